"""Provincial MRIO 42 -> 65 sectors with Eq. 1 and the yearbook treatments (rule provincial_expand)."""

from exportpm.io import write_csv_atomic
from exportpm.logs import configure_logging
from exportpm.mrio.pipeline import provincial_from_files
from exportpm.mrio.store import read_region_output, write_provincial


def main(smk) -> None:
    configure_logging(smk.log[0])
    sectors, china_output = read_region_output(smk.input.gtap_mrio, smk.params.china)
    mrio, shares = provincial_from_files(
        smk.input.ceads,
        smk.input.agriculture,
        smk.input.cattle,
        smk.input.wood_furniture,
        smk.input.concordance,
        sectors,
        china_output,
        smk.params.cny_per_usd,
        smk.params.agriculture_total,
        smk.params.bovine_cap,
    )
    write_provincial(
        mrio,
        smk.output.mrio,
        {
            "source": str(smk.input.ceads),
            "cny_per_usd": smk.params.cny_per_usd,
            "method": "paper Eq. 1 with the three yearbook treatments",
        },
    )
    write_csv_atomic(
        shares,
        smk.output.split_check,
        ["Shares of each provincial sector over its GTAP sectors (sum to 1; paper Eq. 1)."],
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
