"""results/<run>/README.md: the index of the run's products (rule run_index)."""

import yaml

from exportpm.io.atomic import atomic_output
from exportpm.logs import configure_logging
from exportpm.tables import run_index


def main(smk) -> None:
    configure_logging(smk.log[0])
    with open(smk.input.catalogue, encoding="utf-8") as handle:
        catalogue = yaml.safe_load(handle)
    text = run_index([tuple(p) for p in smk.params.products], catalogue, smk.params.run, smk.params.provenance)
    with atomic_output(smk.output.index) as tmp:
        tmp.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
