"""Base PM2.5 against monitoring stations (rule evaluate_ctm): n, r, NMB, NME, RMSE and a scatter plot."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from exportpm.ctm.background import read_background
from exportpm.evaluation import base_fields, evaluate
from exportpm.io import write_parquet_atomic
from exportpm.io.boundaries import read_boundaries
from exportpm.io.population import read_population
from exportpm.logs import configure_logging
from exportpm.regrid import regrid_extensive


def main(smk) -> None:
    configure_logging(smk.log[0])
    grid, monthly = base_fields(list(smk.input.base), smk.params.months)
    background = read_background(smk.input.background, grid)
    monthly = {month: total + background for month, total in monthly.items()}
    provinces, _ = read_boundaries(smk.input.boundaries)
    pop_grid, people = read_population(smk.input.population, smk.params.population_units, provinces)
    density = regrid_extensive(people, pop_grid, grid) / (grid.cell_area_m2() / 1e6)
    stations = pd.read_parquet(smk.input.station_means)  # rule station_means
    stats, table = evaluate(stations, monthly, grid, density, smk.params.density_threshold)
    meta = {"comment": smk.params.provenance}
    write_parquet_atomic(stats, smk.output.stats, meta)
    write_parquet_atomic(table, smk.output.stations, meta)
    fig, ax = plt.subplots(figsize=(6.5, 6))
    dense = table["population_density_km2"] >= smk.params.density_threshold
    ax.scatter(table.loc[~dense, "observed_ugm3"], table.loc[~dense, "model_ugm3"], s=8, alpha=0.5, label="other")
    ax.scatter(table.loc[dense, "observed_ugm3"], table.loc[dense, "model_ugm3"], s=8, alpha=0.6, label="dense")
    top = float(np.nanmax(table[["observed_ugm3", "model_ugm3"]].to_numpy())) * 1.05
    ax.plot([0, top], [0, top], "k-", lw=0.8, label="1:1")
    s = stats.iloc[0]
    ax.set(
        xlim=(0, top),
        ylim=(0, top),
        xlabel="observed PM2.5 (µg/m³)",
        ylabel="modelled Base PM2.5 (µg/m³)",
        title=f"Base vs stations: n={s['n']}, r={s['r']:.2f}, NMB={100 * s['nmb']:.1f}%",
    )
    ax.legend()
    fig.text(0.01, 0.005, smk.params.provenance, fontsize=7, color="#a00")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    fig.savefig(smk.output.figure, dpi=150)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
