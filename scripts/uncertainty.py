"""Uncertainty: the Monte Carlo of emissions and MRIO propagated to PM2.5, and its figure (rule uncertainty).
The MRIO part (export-related emissions and their first-order sd) comes from rule uncertainty_mrio."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd

from exportpm.io import write_parquet_atomic
from exportpm.logs import configure_logging
from exportpm.resources import resource
from exportpm.uncertainty import monte_carlo_table, multipliers_from_frame, provincial_intervals_figure


def main(smk) -> None:
    configure_logging(smk.log[0])
    multipliers = multipliers_from_frame(pd.read_parquet(smk.input.multipliers))
    result = monte_carlo_table(
        multipliers, pd.read_parquet(smk.input.exposure), smk.params.emission_95, smk.params.samples, smk.params.seed
    )
    write_parquet_atomic(
        result,
        smk.output.monte_carlo,
        {"samples": str(smk.params.samples), "method": "lognormal emissions x first-order MRIO"},
    )
    provinces = resource("provinces31")
    names = dict(zip(provinces["iso3166_2"], provinces["name_en"], strict=True))
    provincial_intervals_figure(result, smk.params.samples, smk.params.provenance, names).savefig(
        smk.output.figure, dpi=150
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
