"""Uncertainty: GAINS interpolation sensitivity and the Monte Carlo of emissions and MRIO (rule uncertainty)."""

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from exportpm.footprint.exports import province_intensity_columns
from exportpm.footprint.leontief import LeontiefSystem, technical_coefficients
from exportpm.inventory.pipeline import emissions_frame, hybrid_from_inputs, read_inventory_inputs
from exportpm.io import write_parquet_atomic
from exportpm.logs import configure_logging, timed
from exportpm.mrio.store import read_intensities, read_linked_mrio
from exportpm.uncertainty import (
    interpolation_table,
    intervals,
    lognormal_sigma,
    monte_carlo,
    mrio_error_sd,
    pm25_samples,
)

log = logging.getLogger("uncertainty")


def interpolation(smk, regions, sectors, x, flags) -> pd.DataFrame:
    inputs = read_inventory_inputs(regions, sectors, x, flags, smk.input.meic, smk.input.gains, smk.input.agri_nh3,
                                   smk.input.boundaries, smk.input.gains_sectors, smk.input.agnh3_categories,
                                   smk.params.study_year)
    results = {m: emissions_frame(hybrid_from_inputs(inputs, smk.params.study_year, m), inputs.provinces,
                                  inputs.sectors) for m in smk.params.methods}
    return interpolation_table(results)


def main(smk) -> None:
    configure_logging(smk.log[0])
    table = read_linked_mrio(smk.input.mrio)
    regions, sectors, x, flags = table.regions, table.sectors, table.x, table.is_province
    with timed(log, "GAINS interpolation variants"):
        sensitivity = interpolation(smk, regions, sectors, x, flags)
    write_parquet_atomic(sensitivity, smk.output.interpolation, {"units": "t/yr"})
    species, F = read_intensities(smk.input.intensities)
    N, D = len(sectors), len(table.categories)
    provinces = [r for r, f in zip(regions, flags, strict=True) if f]
    P = np.concatenate([np.arange(i * N, (i + 1) * N) for i, f in enumerate(flags) if f])
    foreign_cols = np.flatnonzero(~np.isin(np.repeat(np.array(regions), D), provinces))
    y = table.Y[:, foreign_cols].sum(1)
    Z = table.Z
    with timed(log, "Leontief system, export output and multipliers by emitting province"):
        system = LeontiefSystem.factorise(technical_coefficients(Z, x))
        x_export = system.solve(y[:, None])[:, 0]
        G = system.solve_transposed(province_intensity_columns(F, P, N)).T.reshape(len(species), len(provinces),
                                                                                   x.size)
    export = (F[:, P] * x_export[P]).reshape(len(species), len(provinces), N).sum(-1)
    total = (F[:, P] * x[P]).reshape(len(species), len(provinces), N).sum(-1)
    sd = mrio_error_sd(G, Z, y, x_export, x, smk.params.sigma_z, smk.params.sigma_y)
    sigmas = np.array([lognormal_sigma(smk.params.emission_95[s]) for s in species])
    export_s, total_s = monte_carlo(export, total, sd, sigmas, smk.params.samples, smk.params.seed)
    rows = []
    for q, s in enumerate(species):
        nat = export_s[:, q].sum(-1)
        share = nat / total_s[:, q].sum(-1)
        for name, samples, det in (("export_emissions_t", nat, export[q].sum()),
                                   ("export_share_of_emissions", share, export[q].sum() / total[q].sum())):
            i = intervals(samples, det)
            rows.append((name, "China", s, *(float(i[k]) for k in ("deterministic", "median", "p2_5", "p97_5"))))
    exposure = pd.read_parquet(smk.input.exposure)
    national = exposure[(exposure.level == "national") & (exposure.scenario == "I_EX")].set_index("component")
    components = {c: float(national.at[c, "pw_ugm3"]) for c in ("SO4", "NIT", "NH4", "BC", "POA", "DST")}
    nat_base = {s: float(export[q].sum()) for q, s in enumerate(species)}
    nat_samples = {s: export_s[:, q].sum(-1) for q, s in enumerate(species)}
    pm = pm25_samples(components, nat_samples, nat_base)
    base_total = float(exposure[(exposure.level == "national") & (exposure.scenario == "Base")
                                & (exposure.component == "total")]["pw_ugm3"].iloc[0])
    for name, samples, det in (("export_pm25_ugm3", pm, sum(components.values())),
                               ("export_share_of_pm25", pm / base_total, sum(components.values()) / base_total)):
        i = intervals(samples, det)
        rows.append((name, "China", "total", *(float(i[k]) for k in ("deterministic", "median", "p2_5", "p97_5"))))
    ratio = pm / sum(components.values())
    provincial = exposure[(exposure.level == "province") & (exposure.scenario == "I_EX")
                          & (exposure.component == "total")].set_index("province")["pw_ugm3"]
    for province, value in provincial.items():
        i = intervals(value * ratio, value)
        rows.append(("export_pm25_ugm3", province, "total",
                     *(float(i[k]) for k in ("deterministic", "median", "p2_5", "p97_5"))))
    result = pd.DataFrame(rows, columns=["quantity", "region", "species", "deterministic", "median", "p2_5", "p97_5"])
    write_parquet_atomic(result, smk.output.monte_carlo, {"samples": str(smk.params.samples),
                                                          "method": "lognormal emissions x first-order MRIO"})
    plot = result[(result.quantity == "export_pm25_ugm3") & (result.region != "China")].sort_values("deterministic")
    fig, ax = plt.subplots(figsize=(8, 9))
    ax.errorbar(plot["deterministic"], range(len(plot)), xerr=[plot["deterministic"] - plot["p2_5"],
                plot["p97_5"] - plot["deterministic"]], fmt="o", ms=3, capsize=2)
    ax.set_yticks(range(len(plot)), plot["region"], fontsize=7)
    ax.set(xlabel="export-related PM2.5 (µg/m³) with 95 % interval", title=f"Monte Carlo, N = {smk.params.samples}")
    fig.text(0.01, 0.005, smk.params.provenance, fontsize=7, color="#a00")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    fig.savefig(smk.output.figure, dpi=150)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
