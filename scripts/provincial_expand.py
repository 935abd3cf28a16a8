"""Provincial MRIO 42 -> 65 sectors with Eq. 1 and the yearbook treatments (rule provincial_expand)."""

import logging

import numpy as np
import pandas as pd

from exportpm.io import write_csv_atomic
from exportpm.io.ceads import read_ceads_mrio
from exportpm.io.store import read_region_output, write_provincial
from exportpm.io.yearbook import province_codes, read_agriculture_output, read_cattle, read_wood_furniture
from exportpm.logs import configure_logging, timed
from exportpm.mrio.provincial import YearbookData, expand_provincial, split_shares
from exportpm.resources import read_table

log = logging.getLogger("provincial_expand")


def main(smk) -> None:
    configure_logging(smk.log[0])
    with timed(log, f"reading {smk.input.ceads}"):
        table = read_ceads_mrio(smk.input.ceads)
    provinces = tuple(province_codes(pd.Series(table.provinces), smk.input.ceads, "header row 2"))
    sectors, china_output = read_region_output(smk.input.gtap_mrio, smk.params.china)
    yearbooks = YearbookData(read_agriculture_output(smk.input.agriculture), read_cattle(smk.input.cattle),
                             read_wood_furniture(smk.input.wood_furniture))
    concordance = read_table(smk.input.concordance, required=["ceads_code", "gtap_code", "split_rule"])
    K = len(table.sectors)
    output = table.output.reshape(len(provinces), K)
    S = split_shares(concordance, table.sectors, sectors, provinces, china_output, yearbooks, output,
                     source=smk.input.concordance)
    mrio = expand_provincial(table, provinces, sectors, S, smk.params.cny_per_usd)
    write_provincial(mrio, smk.output.mrio, {"source": str(smk.input.ceads), "cny_per_usd": smk.params.cny_per_usd,
                                             "method": "paper Eq. 1 with the three yearbook treatments"})
    # Agricultural split check: the GTAP agricultural sectors add back to the aggregated sector (Eq. 1).
    ag = table.sectors.index("01") if "01" in table.sectors else None
    rows = []
    for p, province in enumerate(provinces):
        for k, code in enumerate(table.sectors):
            shares = S[p, k][S[p, k] > 0]
            rows.append((province, code, output[p, k], float(S[p, k].sum()), int(shares.size)))
    check = pd.DataFrame(rows, columns=["province", "ceads_sector", "output_10k_cny", "share_sum", "gtap_sectors"])
    if not np.allclose(check["share_sum"], 1.0, atol=1e-12):
        raise ValueError("provincial expansion: split shares do not sum to one")
    log.info("agricultural sector split into %s GTAP sectors", check.loc[check.ceads_sector == "01", "gtap_sectors"]
             .max() if ag is not None else 0)
    write_csv_atomic(check, smk.output.split_check, ["Shares of each provincial sector over its GTAP sectors "
                                                     "(must sum to 1; paper Eq. 1)."])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
