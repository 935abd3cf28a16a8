"""GTAP basedata -> global MRIO (rule gtap_parse; docs/architecture.md)."""

import logging

import pandas as pd

from exportpm.io import write_csv_atomic
from exportpm.io.gtap import read_gtap_basedata
from exportpm.logs import configure_logging, timed
from exportpm.mrio.gtap import global_mrio
from exportpm.mrio.store import write_global_mrio

log = logging.getLogger("gtap_parse")


def main(smk) -> None:
    configure_logging(smk.log[0])
    with timed(log, f"reading {smk.input.gtap}"):
        gtap = read_gtap_basedata(smk.input.gtap, smk.input.gtap_sets, identity_rtol=smk.params.identity_rtol)
    log.info(
        "GTAP world gross output %.6g US$ million; %d regions x %d sectors",
        gtap.world_output,
        len(gtap.regions),
        len(gtap.sectors),
    )
    for name, value in gtap.residuals.items():
        log.info("GTAP identity %s: max relative residual %.3e", name, value)
    with timed(log, "building the global MRIO (import proportionality)"):
        mrio = global_mrio(gtap)
    write_global_mrio(
        mrio,
        smk.output.mrio,
        {
            "source": str(smk.input.gtap),
            "method": "GTAP -> MRIO, import "
            "proportionality (Peters, Andrew & Lennox 2011); margins from the global transport pool",
        },
    )
    identities = pd.DataFrame(
        {
            "identity": list(gtap.residuals),
            "max_relative_residual": list(gtap.residuals.values()),
            "enforced": [name != "cost_balance" for name in gtap.residuals],
        }
    )
    write_csv_atomic(identities, smk.output.identities, [f"GTAP accounting identities of {smk.input.gtap}"])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
