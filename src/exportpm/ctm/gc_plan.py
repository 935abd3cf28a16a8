"""The GEOS-Chem job plan: which segments each scenario and domain runs, and what each depends on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exportpm.ctm.geoschem import global_segments, month_segments

FORMAT = "%Y%m%d"


@dataclass(frozen=True)
class Plan:
    """The segments of one GEOS-Chem year: months run, segments per month and spin-up lengths.

    Parameters
    ----------
    year : int
        Simulated year.
    months : tuple of int
        Simulated months (1-12).
    segments_per_month : int
        Number of segments each month is cut into.
    nested_spinup_days : int
        Spin-up days before each nested month (0: none).
    global_spinup_months : int
        Spin-up months of the global run.
    """

    year: int
    months: tuple[int, ...]
    segments_per_month: int
    nested_spinup_days: int
    global_spinup_months: int

    def nested(self, month: int | None = None) -> list[tuple[dt.datetime, dt.datetime]]:
        """The nested domain's segments (start, end), of all months or of ``month`` only."""
        months = self.months if month is None else (month,)
        return [
            piece
            for m in months
            for piece in month_segments(self.year, m, self.segments_per_month, self.nested_spinup_days)
        ]

    def global_(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The global domain's segments (start, end), broken where each nested month's first segment starts."""
        breaks = [self.nested(m)[0][0] for m in self.months]
        return global_segments(self.year, self.months, self.global_spinup_months, breaks)

    def pieces(self, domain: str) -> list[tuple[dt.datetime, dt.datetime]]:
        """The segments of ``domain``: nested for ``"nested"``, global otherwise."""
        return self.nested() if domain == "nested" else self.global_()

    def shortest_hours(self, domain: str) -> float:
        """Length of the domain's shortest segment (h): HISTORY collections must write within it."""
        return min((b - a).total_seconds() / 3600 for a, b in self.pieces(domain))

    @staticmethod
    def label(piece: tuple[dt.datetime, dt.datetime]) -> str:
        """Label ``YYYYMMDD_YYYYMMDD`` of a segment (start, end)."""
        return f"{piece[0]:{FORMAT}}_{piece[1]:{FORMAT}}"

    @staticmethod
    def parse(label: str) -> tuple[dt.datetime, dt.datetime]:
        """The segment (start, end) of a ``YYYYMMDD_YYYYMMDD`` label; inverse of :meth:`label`."""
        a, b = label.split("_")
        return dt.datetime.strptime(a, FORMAT), dt.datetime.strptime(b, FORMAT)

    def previous(self, domain: str, label: str) -> str | None:
        """The segment whose end restart this one starts from (None: initial or spin-up start)."""
        start, _ = self.parse(label)
        for piece in self.pieces(domain):
            if piece[1] == start:
                return self.label(piece)
        return None

    def covering_global(self, label: str) -> list[str]:
        """Global segments that must have run (boundary conditions, initial conditions) before a nested one."""
        start, end = self.parse(label)
        return [self.label(p) for p in self.global_() if (p[0] < end and p[1] > start) or p[1] == start]


def simulated_days(plan: Plan, domain: str) -> float:
    """Simulated days of one scenario's chain in ``domain`` (spin-ups included)."""
    return sum((b - a).total_seconds() for a, b in plan.pieces(domain)) / 86400.0


def planned_core_hours(
    plan: Plan, scenarios: int, cpus: int, nested_hours_per_day: float, global_hours_per_day: float
) -> dict[str, float]:
    """Core-hours the GEOS-Chem runs will ask for: simulated days x wall hours per simulated day x cores,
    per scenario (nested, global) and in total for ``scenarios`` simulated scenarios."""
    nested = simulated_days(plan, "nested") * nested_hours_per_day * cpus
    global_ = simulated_days(plan, "global") * global_hours_per_day * cpus
    return {
        "nested_per_scenario": nested,
        "global_per_scenario": global_,
        "scenarios": float(scenarios),
        "total": scenarios * (nested + global_),
    }
