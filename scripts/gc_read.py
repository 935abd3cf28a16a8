"""GEOS-Chem daily outputs of one month -> the PM2.5 product (rule ctm_read, backend geoschem)."""

from pathlib import Path

from exportpm.ctm.geoschem import detect_version, read_month
from exportpm.ctm.product import write_pm25
from exportpm.grid import LonLatGrid
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    month = int(smk.wildcards.month)
    run_dir = Path(smk.params.run_dir)
    version = detect_version(run_dir, smk.params.version)
    grid, fields = read_month(
        run_dir / "OutputDir", smk.params.year, month, LonLatGrid(**smk.params.grid), smk.params.buffer, version
    )
    write_pm25(
        smk.output.pm25,
        grid,
        fields,
        {
            "title": f"Surface PM2.5 components, scenario {smk.wildcards.scenario}, {smk.params.year}-{month:02d}",
            "backend": "geoschem",
            "geoschem_version": str(version),
            "pm25_definition": "components as GEOS-Chem's PM25 diagnostic counts them (aerosol_mod.F90): 1.1 x SO4, "
            "NIT, NH4; BC; OCPO + ORG_GROWTH x OCPI (OM); DST1 + 0.3 DST2; standard conditions "
            "1013.25 hPa, 298 K",
            "pm25_mean_ugm3": float(fields["PM25"].mean()),
            "pm25_other_mean_ugm3": float(fields["OTHER"].mean()),
            "comment": f"GEOS-Chem Classic daily means averaged over the month; OTHER = PM25 - the six components "
            f"(SOA, fine sea salt, HMS); {smk.params.provenance}",
        },
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
