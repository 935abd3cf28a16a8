"""The linked MRIO with its emission extension in pymrio's storage format and as Parquet (rule mrio_interop)."""

import logging

from exportpm.logs import configure_logging, timed
from exportpm.mrio.interop import pymrio_system, write_pymrio
from exportpm.mrio.store import read_intensities, read_linked_mrio

log = logging.getLogger("exportpm.interop")


def main(smk) -> None:
    configure_logging(smk.log[0])
    table = read_linked_mrio(smk.input.mrio)
    species, F = read_intensities(smk.input.intensities)
    system = pymrio_system(table, species, F, name=f"exportpm linked MRIO ({smk.params.provenance})")
    with timed(log, f"pymrio text tables ({len(table.x)} rows)"):
        write_pymrio(system, smk.output.pymrio, "txt")
    with timed(log, "pymrio parquet tables"):
        write_pymrio(system, smk.output.parquet, "parquet")


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
