# The foreign countries - Chinese provinces linked MRIO (paper Eq. 1-2; docs/architecture.md).


rule gtap_parse:
    input:
        gtap=raw("gtap_basedata"),
        gtap_sets=raw("gtap_sets"),
    output:
        mrio=run_path("results/mrio/gtap_mrio.nc"),
        identities=run_path("results/mrio/gtap_identities.csv"),
    log:
        run_path("logs/gtap_parse.log"),
    benchmark:
        run_path("benchmarks/gtap_parse.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("gtap_parse"),
        runtime=30,
    params:
        identity_rtol=config["mrio"]["gtap_identity_rtol"],
    message:
        "GTAP basedata -> global MRIO (import proportionality), with the GTAP identities checked"
    script:
        "../../scripts/gtap_parse.py"


rule provincial_expand:
    input:
        ceads=raw("ceads_mrio"),
        agriculture=raw("yearbook_agriculture"),
        cattle=raw("yearbook_cattle"),
        wood_furniture=raw("yearbook_wood_furniture"),
        concordance=config["resources"]["ceads_gtap_concordance"],
        gtap_mrio=rules.gtap_parse.output.mrio,
    output:
        mrio=run_path("results/mrio/provincial_expanded.nc"),
        split_check=run_path("results/mrio/provincial_split_shares.csv"),
    log:
        run_path("logs/provincial_expand.log"),
    benchmark:
        run_path("benchmarks/provincial_expand.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("provincial_expand"),
        runtime=20,
    params:
        china=config["mrio"]["china_region"],
        cny_per_usd=config["mrio"]["cny_per_usd"],
        agriculture_total=config["mrio"]["agriculture_total"],
        bovine_cap=config["mrio"]["bovine_cap"],
    message:
        "Provincial MRIO 42 -> 65 GTAP sectors (Eq. 1, yearbook treatments)"
    script:
        "../../scripts/provincial_expand.py"


rule customs_blocks:
    input:
        customs=raw("customs"),
        hs6_concordance=raw("hs6_concordance"),
        iso3_regions=config["resources"]["iso3_regions"],
        gtap_mrio=rules.gtap_parse.output.mrio,
        provincial=rules.provincial_expand.output.mrio,
    output:
        blocks=run_path("results/mrio/customs_blocks.nc"),
        summary=run_path("results/mrio/customs_summary.csv"),
    log:
        run_path("logs/customs_blocks.log"),
    benchmark:
        run_path("benchmarks/customs_blocks.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("customs_blocks"),
        runtime=20,
    params:
        china=config["mrio"]["china_region"],
        excluded_trade_modes=config["customs"]["excluded_trade_modes"],
    message:
        "Customs-linked export and import blocks (Eq. 2)"
    script:
        "../../scripts/customs_blocks.py"


rule link:
    input:
        gtap_mrio=rules.gtap_parse.output.mrio,
        provincial=rules.provincial_expand.output.mrio,
        blocks=rules.customs_blocks.output.blocks,
    output:
        mrio=temp(run_path("results/mrio/linked_unbalanced.nc")),
    log:
        run_path("logs/link.log"),
    benchmark:
        run_path("benchmarks/link.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("link"),
        runtime=20,
    params:
        china=config["mrio"]["china_region"],
    message:
        "Assemble ZF-F/DF-F, ZP-P/DP-P, ZP-F/DP-F, ZF-P/DF-P into the unbalanced linked MRIO"
    script:
        "../../scripts/link.py"


rule ras:
    input:
        mrio=rules.link.output.mrio,
    output:
        mrio=run_path("results/mrio/linked_mrio.nc"),
        report=run_path("results/mrio/balance_report.csv"),
    log:
        run_path("logs/ras.log"),
    benchmark:
        run_path("benchmarks/ras.tsv")
    priority: CRITICAL_PATH_PRIORITY
    conda:
        "../../envs/numerics.yaml"
    threads: 2
    resources:
        mem_mb=mem_mb("ras"),
        runtime=60,
    params:
        tolerance=config["mrio"]["gras_tolerance"],
        max_iterations=config["mrio"]["gras_max_iterations"],
        hold_exports=config["mrio"]["gras_hold_exports"],
        provenance=PROVENANCE,
    message:
        "GRAS balance of the linked MRIO (rows = columns = gross output)"
    script:
        "../../scripts/ras.py"
