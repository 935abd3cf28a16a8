"""Check and summarise every raw input (rule inputs_summary)."""

from exportpm.io import write_csv_atomic
from exportpm.io.summary import summarise_inputs
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    paths = {key: smk.input[key] for key in smk.input.keys()}
    summary = summarise_inputs(paths, study_year=smk.params.study_year)
    write_csv_atomic(summary, smk.output.summary, ["One row per raw input: what the pipeline's readers found."])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
