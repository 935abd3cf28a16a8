"""Create and configure one GEOS-Chem run directory (rule gc_rundir)."""

import json
import shutil
from pathlib import Path

from exportpm.ctm.gc_plan import Plan
from exportpm.ctm.geoschem import (
    create_run_directory,
    detect_version,
    edit_hemco_config,
    edit_history,
    restart_file,
    settings_from_config,
)
from exportpm.io.atomic import atomic_output
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    domain = smk.wildcards.domain
    settings = settings_from_config(smk.params.settings)
    run_dir = create_run_directory(domain, Path(smk.output.info).parent / "rundir", settings)
    bc = None
    if domain == "nested":
        bc = str(
            Path(smk.params.global_dir).resolve() / "OutputDir" / "GEOSChem.BoundaryConditions.$YYYY$MM$DD_$HH$MNz.nc4"
        )
    edit_hemco_config(
        run_dir,
        str(Path(smk.input.scale_factors).resolve()),
        str(Path(smk.input.meic_hemco).resolve()),
        settings,
        boundary_conditions=bc,
    )
    version = detect_version(run_dir, settings.version)
    edit_history(
        run_dir,
        boundary_conditions=domain == "global",
        version=version,
        shortest_segment_hours=smk.params.shortest_segment_hours,
    )
    start, _ = Plan.parse(smk.params.first_segment)
    initial = smk.params.settings["initial_restart"].get(domain, "")
    if domain == "global":
        if not initial:
            raise ValueError("config ctm.geoschem.initial_restart.global: a GEOS-Chem restart file is needed")
        target = restart_file(run_dir, start)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(initial, target)
    with atomic_output(smk.output.info) as tmp:
        tmp.write_text(
            json.dumps(
                {
                    "run_dir": str(run_dir),
                    "domain": domain,
                    "scenario": smk.wildcards.scenario,
                    "geoschem_version": str(version),
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
