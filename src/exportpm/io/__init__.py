"""Readers and writers of the paper's inputs and of the pipeline's products."""

from exportpm.io.atomic import atomic_output, write_csv_atomic, write_parquet_atomic

__all__ = ["atomic_output", "write_csv_atomic", "write_parquet_atomic"]
