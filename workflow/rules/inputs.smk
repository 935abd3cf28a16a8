# Reads every raw input with the pipeline's readers and reports what it found: the first check a
# real-data user runs (snakemake inputs_check --configfile my-data.yaml) before the expensive stages.


rule inputs_summary:
    input:
        gtap=raw("gtap_basedata"),
        gtap_sets=raw("gtap_sets"),
        ceads=raw("ceads_mrio"),
        yearbook_agriculture=raw("yearbook_agriculture"),
        yearbook_cattle=raw("yearbook_cattle"),
        yearbook_wood_furniture=raw("yearbook_wood_furniture"),
        customs=raw("customs"),
        hs6_concordance=raw("hs6_concordance"),
        agri_nh3=raw("agri_nh3"),
        population=raw("population"),
        boundaries=raw("boundaries"),
        stations=raw("stations"),
        station_archive=station_archive(),
        meic=meic_files(),
        gains=gains_files(),
    output:
        summary=run_path("results/inputs/inputs_summary.csv"),
    log:
        run_path("logs/inputs_summary.log"),
    benchmark:
        run_path("benchmarks/inputs_summary.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("inputs_summary"),
        runtime=20,
    params:
        study_year=config["study_year"],
    message:
        "Check and summarise every raw input (file, records, totals, units, synthetic or not)"
    script:
        "../../scripts/inputs_summary.py"


rule inputs_check:
    input:
        rules.inputs_summary.output.summary,
    localrule: True
    message:
        "Inputs checked: see the inputs summary (run this target first with real data; nothing heavy runs)"


# The monitoring stations' valid means, read once for the CTM calibration and the evaluation.
rule station_means:
    input:
        stations=raw("stations"),
        archive=station_archive(),
    output:
        means=run_path("results/evaluation/station_means.parquet"),
    log:
        run_path("logs/station_means.log"),
    benchmark:
        run_path("benchmarks/station_means.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        year=config["study_year"],
        provenance="; ".join(PROVENANCE_NOTES) or "real inputs",
    message:
        "Valid monthly and annual PM2.5 means of every station (GB 3095-2012), read once from the daily archive"
    script:
        "../../scripts/station_means.py"
