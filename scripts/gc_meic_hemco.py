"""MEIC monthly grids -> COARDS files for HEMCO (rule gc_meic_hemco)."""

from pathlib import Path

from exportpm.ctm.geoschem import write_meic_hemco
from exportpm.inventory.pipeline import meic_file_map
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    Path(smk.output[0]).mkdir(parents=True, exist_ok=True)
    write_meic_hemco(meic_file_map(smk.input.meic, smk.params.year), Path(smk.output[0]), smk.params.year)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
