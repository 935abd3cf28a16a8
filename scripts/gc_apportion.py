"""A foreign group's PM2.5 apportioned from I_EX (rule gc_apportion; backend geoschem, groups not simulated)."""

from exportpm.ctm.geoschem import apportion, removal_shares
from exportpm.ctm.product import read_pm25, write_pm25
from exportpm.logs import configure_logging
from exportpm.scenarios import SF_SPECIES, read_scenario_emissions


def main(smk) -> None:
    configure_logging(smk.log[0])
    month = int(smk.wildcards.month)
    grid, base, _ = read_pm25(smk.input.base_pm25)
    _, all_exports, _ = read_pm25(smk.input.iex_pm25)
    emissions = {}
    for key in ("base_emissions", "iex_emissions", "group_emissions"):
        _, months, values = read_scenario_emissions(smk.input[key])
        emissions[key] = values[months.index(month)]
    shares = removal_shares(
        emissions["base_emissions"], emissions["iex_emissions"], emissions["group_emissions"], SF_SPECIES
    )
    write_pm25(
        smk.output.pm25,
        grid,
        apportion(base, all_exports, shares),
        {
            "title": f"Surface PM2.5 components, scenario {smk.wildcards.scenario}, {smk.params.year}-{month:02d}",
            "backend": "geoschem",
            "method": "apportioned from I_EX: Base - share x (Base - I_EX) per component, share = the group's part of "
            "the month's export-related removal of the component's precursor (SO4<-SO2, NIT<-NOx, NH4<-NH3, "
            "BC, POA<-OC, DST<-other primary PM2.5), domain totals",
            **{f"share_{c}": v for c, v in shares.items()},
            "comment": f"no GEOS-Chem run of this group (ctm.geoschem.simulate_groups); {smk.params.provenance}",
        },
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
