"""GRAS-balance the linked MRIO (rule ras; docs/architecture.md)."""

import logging

import pandas as pd

from exportpm.io import write_csv_atomic
from exportpm.logs import configure_logging, timed
from exportpm.mrio.link import (
    balance_augmented,
    balance_report,
    export_blocks,
    export_drift,
    export_totals,
    row_labels,
)
from exportpm.mrio.store import read_linked_augmented, write_linked_from_augmented

log = logging.getLogger("ras")


def main(smk) -> None:
    configure_logging(smk.log[0])
    with timed(log, f"reading {smk.input.mrio}"):
        table, A, fd_target = read_linked_augmented(smk.input.mrio)
    labels = row_labels(table)
    before = balance_report(A, table.n_rows, table.x, fd_target, labels, "unbalanced")
    held = export_blocks(table) if smk.params.hold_exports else None  # the customs structure (Eq. 2) kept
    exports_before = export_totals(A, table)
    result = balance_augmented(
        A, table.x, fd_target, tol=smk.params.tolerance, max_iter=smk.params.max_iterations, held=held
    )
    after = balance_report(
        A,
        table.n_rows,
        table.x,
        fd_target,
        labels,
        "balanced",
        result,
        held,
        export_drift(exports_before, export_totals(A, table)),
    )
    report = pd.concat([before, after], ignore_index=True)
    write_linked_from_augmented(
        table,
        A,
        smk.output.mrio,
        {
            "title": "Foreign countries - Chinese provinces linked MRIO",
            "balanced": "GRAS",
            "gras_iterations": result.iterations,
            "row_residual": result.row_residual,
            "column_residual": result.col_residual,
            "comment": smk.params.provenance,
        },
    )
    write_csv_atomic(
        report,
        smk.output.report,
        [
            "Balance of the linked MRIO before and after GRAS "
            "(relative residuals against gross output and final-demand totals)."
        ],
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
