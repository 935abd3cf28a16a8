"""Valid monthly and annual station means of PM2.5 (GB 3095-2012 rules) from the daily archive (rule
station_means): read once, for the calibration (ctm_calibrate) and the evaluation (evaluate_ctm)."""

import logging

from exportpm.io import write_parquet_atomic
from exportpm.io.stations import evaluation_frame, station_means
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    means = station_means(list(smk.input.archive), smk.input.stations, smk.params.year)
    frame = evaluation_frame(means)
    write_parquet_atomic(frame, smk.output.means, {"comment": smk.params.provenance})
    logging.getLogger("station_means").info(
        "%d stations, %d daily files: %d valid annual and %d valid monthly means",
        len(means.stations),
        len(smk.input.archive),
        int(means.annual["valid"].sum()),
        int(means.monthly["valid"].sum()),
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
