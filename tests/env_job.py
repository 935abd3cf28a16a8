"""Run one Snakemake job's script inside a software environment that has no Snakemake (tests/test_envs.py).

Usage (with the environment's interpreter): python -s tests/env_job.py JOB.pickle

JOB.pickle holds plain data taken from the job Snakemake ran (its input, output, params, wildcards, log, ...
as lists and dicts). This module rebuilds the ``snakemake`` object a rule script reads (named and positional
access, as Snakemake's Namedlist gives) and runs the unchanged script from scripts/. Only the standard library
is imported here, so whatever else the script imports must come from the environment itself.
"""

from __future__ import annotations

import pickle
import runpy
import sys


class Named(list):
    """A list with named entries (a name maps to one item or to a slice of items), like snakemake.io.Namedlist."""

    def __init__(self, items: list, names: dict[str, tuple[int, int | None]]):
        super().__init__(items)
        self._named = {name: items[start] if end is None else items[start:end] for name, (start, end) in names.items()}
        for name, value in self._named.items():
            setattr(self, name, value)

    def __getitem__(self, key):
        return self._named[key] if isinstance(key, str) else super().__getitem__(key)

    def keys(self):
        return self._named.keys()

    def items(self):
        return self._named.items()

    def get(self, name, default=None):
        return self._named.get(name, default)


class Job:
    """The attributes of Snakemake's script object that the rule scripts use."""

    def __init__(self, data: dict):
        for key in ("input", "output", "params", "wildcards", "log", "resources"):
            items, names = data[key]
            setattr(self, key, Named(items, names))
        self.threads = data["threads"]
        self.config = data["config"]
        self.rule = data["rule"]
        self.scriptdir = data["scriptdir"]
        self.bench_iteration = None


def main(job_file: str) -> None:
    with open(job_file, "rb") as handle:
        data = pickle.load(handle)
    sys.argv = [data["script"]]
    runpy.run_path(data["script"], init_globals={"snakemake": Job(data)}, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1])
