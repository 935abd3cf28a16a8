"""exportpm: foreign consumers' share of Chinese provincial PM2.5.

The library behind the Snakemake workflow: readers and writers of the paper's inputs (``exportpm.io``), the
synthetic demo world (``exportpm.demo``), and the science stages added issue by issue.
"""

__version__ = "0.1.0"
