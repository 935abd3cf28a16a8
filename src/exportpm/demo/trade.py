"""Synthetic Chinese customs records (province x HS code x partner x trade mode) and the HS6 -> GTAP table.

Records follow the provincial MRIO's exports and imports (converted to US$), split into GTAP sectors by GTAP
China shares, over partners by GTAP China's destinations (imports: origins) tilted by geography (Guangdong
towards Hong Kong, the Northeast towards Japan, Korea and Russia, Xinjiang towards Central Asia), over
ISO3 members of each GTAP region, HS codes and trade modes. The three trade modes the paper excludes come
on top of the remaining modes, so the latter add up to the provincial totals.
"""

from __future__ import annotations

import bisect

import numpy as np
import pandas as pd

from exportpm.demo.draws import ReplayedDraws
from exportpm.demo.economy import CNY_PER_USD_2017, KIND, GlobalEconomy
from exportpm.demo.provincial import ProvincialEconomy, concordance_matrix
from exportpm.demo.spec import WorldSpec
from exportpm.resources import resource

# HS 2017 headings (4 digits) representative of each GTAP goods sector.
HS_HEADINGS = {
    "pdr": ["1006"],
    "wht": ["1001"],
    "gro": ["1002", "1003", "1005", "1007"],
    "v_f": ["0701", "0709", "0805", "0808"],
    "osd": ["1201", "1205", "1207"],
    "c_b": ["1212"],
    "pfb": ["5201"],
    "ocr": ["0902", "0904", "2401"],
    "ctl": ["0102", "0104"],
    "oap": ["0103", "0105", "0407"],
    "rmk": ["0401"],
    "wol": ["5101", "5001"],
    "frs": ["4401", "4403"],
    "fsh": ["0301", "0302", "0303"],
    "coa": ["2701"],
    "oil": ["2709"],
    "gas": ["2711"],
    "oxt": ["2601", "2603", "2505"],
    "cmt": ["0201", "0202"],
    "omt": ["0203", "0207", "1601"],
    "vol": ["1507", "1511", "1512"],
    "mil": ["0402", "0406"],
    "pcr": ["1006"],
    "sgr": ["1701"],
    "ofd": ["1604", "1902", "2005", "2106"],
    "b_t": ["2202", "2204", "2402"],
    "tex": ["5208", "5407", "6006"],
    "wap": ["6109", "6110", "6203", "6204"],
    "lea": ["4202", "6403", "6404"],
    "lum": ["4407", "4412"],
    "ppp": ["4802", "4819", "4911"],
    "p_c": ["2710", "2704"],
    "chm": ["2902", "2933", "3105", "3824"],
    "bph": ["3004", "3002"],
    "rpp": ["3920", "3926", "4011"],
    "nmm": ["2523", "6907", "7005"],
    "i_s": ["7208", "7210", "7304"],
    "nfm": ["7601", "7403", "8001"],
    "fmp": ["7318", "7326", "8205"],
    "ele": ["8471", "8517", "8542", "9013"],
    "eeq": ["8504", "8516", "8544"],
    "ome": ["8413", "8421", "8479"],
    "mvh": ["8703", "8708"],
    "otn": ["8802", "8901", "8601"],
    "omf": ["9401", "9403", "9503", "7113"],
    "ely": ["2716"],
}
TRADE_MODES = pd.DataFrame(
    [
        ("0110", "general trade", False, 1.0),
        ("0214", "processing and assembling trade", False, 0.15),
        ("4019", "border small-scale trade", False, 0.03),
        ("0615", "processing trade with imported materials", True, 0.45),
        ("0420", "equipment imported for processing trade", True, 0.03),
        ("1233", "bonded-zone warehousing and re-exported goods", True, 0.08),
    ],
    columns=["trade_mode_code", "trade_mode", "excluded_by_paper", "weight"],
)
EXTRA_MODES = (1, 2, 3, 4, 5)  # rows of TRADE_MODES a record's second trade mode (if any) is drawn from
EXTRA_MODE_P = (0.2, 0.05, 0.5, 0.05, 0.2)
GEOGRAPHIC_TILT = {
    "CN-GD": {"hkg": 3.0, "usa": 1.3},
    "CN-LN": {"jpn": 2.5, "kor": 2.5},
    "CN-SD": {"kor": 2.5, "jpn": 1.8},
    "CN-JL": {"kor": 2.0, "rus": 2.0},
    "CN-HL": {"rus": 6.0},
    "CN-NM": {"mng": 8.0, "rus": 3.0},
    "CN-XJ": {"kaz": 10.0, "kgz": 10.0, "xsu": 5.0},
    "CN-YN": {"xse": 5.0, "vnm": 4.0, "lao": 5.0},
    "CN-GX": {"vnm": 6.0},
    "CN-FJ": {"twn": 4.0},
    "CN-SH": {"jpn": 1.5, "deu": 1.3},
}


def hs_concordance(spec: WorldSpec) -> pd.DataFrame:
    """HS6 -> GTAP sector table for the goods sectors of this world (synthetic stand-in for GTAP's own)."""
    rows = []
    for sector in spec.sectors:
        for heading in HS_HEADINGS.get(sector, []):
            if sector == "pcr":
                rows.append((heading + "30", sector))  # milled rice; 100610 paddy stays with pdr
                continue
            subs = ("10",) if sector == "pdr" else ("10", "90")
            rows += [(heading + sub, sector) for sub in subs]
    return pd.DataFrame(rows, columns=["hs6", "gtap_code"]).drop_duplicates("hs6").reset_index(drop=True)


def customs_records(
    spec: WorldSpec, world: GlobalEconomy, economy: ProvincialEconomy, concordance: pd.DataFrame, max_rows_per_flow: int
) -> pd.DataFrame:
    """Customs table: province, hs_code (8 digits), partner_iso3, trade mode, flow, value_usd."""
    rng = spec.rng("customs")
    regions = resource("gtap11_regions").set_index("code")["iso3_members"]
    h, c = world.headers, world.regions.index("chn")
    n = len(spec.sectors)
    C = concordance_matrix(spec)
    goods = np.array([s in HS_HEADINGS and KIND[s] != "services" for s in spec.sectors])
    xc = h["MAKB"][np.arange(n), np.arange(n), c]
    P, K = len(spec.provinces), len(spec.ceads_sectors)
    frames = []
    for flow, values, partner_flows in (
        ("export", economy.exports, h["VXSB"][:, c, :]),
        ("import", economy.imports, h["VMSB"][:, :, c]),
    ):
        by_prov = values.reshape(P, K) * 1e4 / CNY_PER_USD_2017  # 10^4 CNY -> US$
        trade_share = C * (partner_flows.sum(1) + 1e-9 * xc)[:, None]
        trade_share = trade_share / trade_share.sum(0, keepdims=True)
        gtap_values = by_prov @ trade_share.T  # [p, i] US$
        dest = partner_flows / partner_flows.sum(1, keepdims=True).clip(1e-30)  # [i, r]
        frames.append(
            _records(spec, rng, flow, gtap_values * goods[None, :], dest, regions, concordance, max_rows_per_flow)
        )
    return pd.concat(frames, ignore_index=True)


def _records(spec, rng, flow, gtap_values, dest, regions, concordance, max_rows) -> pd.DataFrame:
    isos = list(spec.provinces["iso3166_2"])
    hs_by_sector = concordance.groupby("gtap_code")["hs6"].apply(list).to_dict()
    prov_idx, sec_idx, reg_idx, vals = [], [], [], []
    for p, iso in enumerate(isos):
        tilt = np.ones(len(spec.regions))
        for code, factor in GEOGRAPHIC_TILT.get(iso, {}).items():
            if code in spec.regions:
                tilt[spec.regions.index(code)] = factor
        share = dest * tilt[None, :]
        share /= share.sum(1, keepdims=True).clip(1e-30)
        v = gtap_values[p][:, None] * share
        i, r = np.nonzero(v > 0)
        prov_idx.append(np.full(i.size, p))
        sec_idx.append(i)
        reg_idx.append(r)
        vals.append(v[i, r])
    prov_idx, sec_idx, reg_idx, vals = map(np.concatenate, (prov_idx, sec_idx, reg_idx, vals))
    # Keep the largest flows (customs tables omit tiny ones); renormalise nothing: totals shrink slightly.
    if vals.size > max_rows // 3:
        keep = np.sort(np.argsort(-vals, kind="stable")[: max_rows // 3])
        prov_idx, sec_idx, reg_idx, vals = prov_idx[keep], sec_idx[keep], reg_idx[keep], vals[keep]
    mode_code, mode_name = TRADE_MODES["trade_mode_code"].tolist(), TRADE_MODES["trade_mode"].tolist()
    mode_weight, excluded = TRADE_MODES["weight"].tolist(), TRADE_MODES["excluded_by_paper"].tolist()
    members_of = [regions[r].split(";") for r in spec.regions]
    codes_of = [hs_by_sector.get(sector) for sector in spec.sectors]
    cdf = np.cumsum(EXTRA_MODE_P)
    cdf = (cdf / cdf[-1]).tolist()  # Generator.choice(p=EXTRA_MODE_P) is bisect_right(cdf, random())
    draws = ReplayedDraws(rng)  # the Generator's own draws, in the same order, without its call overhead
    out_rows = []
    for p, i, r, value in zip(prov_idx.tolist(), sec_idx.tolist(), reg_idx.tolist(), vals.tolist(), strict=True):
        members = members_of[r]
        partner = members[0] if len(members) == 1 or draws.random() < 0.6 else members[draws.integers(len(members))]
        codes = codes_of[i]
        hs6 = codes[draws.integers(len(codes))]
        chosen = [0] + ([EXTRA_MODES[bisect.bisect_right(cdf, draws.random())]] if draws.random() < 0.5 else [])
        w = [mode_weight[m] * draws.uniform(0.5, 1.5) for m in chosen]
        kept = [weight for m, weight in zip(chosen, w, strict=True) if not excluded[m]]
        scale = value / sum(kept)  # as numpy sums them: w0 (+ w1)
        for m, weight in zip(chosen, w, strict=True):
            out_rows.append(
                (
                    isos[p],
                    hs6 + f"{draws.integers(10)}0",
                    partner,
                    mode_code[m],
                    mode_name[m],
                    flow,
                    round(weight * scale, 0),
                )
            )
    draws.close()
    frame = pd.DataFrame(
        out_rows, columns=["province", "hs_code", "partner_iso3", "trade_mode_code", "trade_mode", "flow", "value_usd"]
    )
    return frame[frame["value_usd"] > 0]
