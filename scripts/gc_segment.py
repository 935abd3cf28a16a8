"""Run one restartable GEOS-Chem segment (rule gc_segment; one SLURM job)."""

import json
import logging
import shutil
from pathlib import Path

from exportpm.ctm.gc_plan import Plan
from exportpm.ctm.geoschem import restart_file, run_segment, settings_from_config
from exportpm.io.atomic import atomic_output
from exportpm.logs import configure_logging

log = logging.getLogger("gc_segment")


def main(smk) -> None:
    configure_logging(smk.log[0])
    start, end = Plan.parse(smk.wildcards.segment)
    run_dir = Path(smk.params.run_dir)
    settings = settings_from_config(smk.params.settings)
    first = restart_file(run_dir, start)
    if smk.wildcards.domain == "nested" and not first.exists():
        # A nested spin-up starts from the global run's restart at that date (HEMCO regrids it).
        source = restart_file(Path(smk.params.global_dir), start)
        first.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, first)
        log.info("initial conditions from the global run: %s", source)
    restart = run_segment(run_dir, start, end, settings)
    with atomic_output(smk.output.done) as tmp:
        tmp.write_text(
            json.dumps({"restart": str(restart), "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}, indent=2)
            + "\n"
        )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
