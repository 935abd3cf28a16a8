# The GEOS-Chem Classic backend (ctm.backend: geoschem): run directories, restartable segments as SLURM jobs,
# and the reader that writes the same product as the surrogate. Fill in config/geoschem.yaml.
from exportpm.ctm.gc_plan import Plan

GC = config["ctm"]["geoschem"]
GC_PLAN = Plan(config["study_year"], tuple(config["ctm"]["months"]), GC["segments_per_month"],
               GC["nested_spinup_days"], GC["global_spinup_months"])
GC_DIR = run_path("results/geoschem")


def gc_previous(wildcards):
    """The restart this segment starts from: the previous segment of the chain, or nothing."""
    previous = GC_PLAN.previous(wildcards.domain, wildcards.segment)
    inputs = [f"{GC_DIR}/{wildcards.scenario}/{wildcards.domain}/rundir.json"]
    if previous:
        inputs.append(f"{GC_DIR}/{wildcards.scenario}/{wildcards.domain}/segments/{previous}.done")
    if wildcards.domain == "nested":
        inputs += [f"{GC_DIR}/{wildcards.scenario}/global/segments/{label}.done"
                   for label in GC_PLAN.covering_global(wildcards.segment)]
    return inputs


def gc_month_done(wildcards):
    last = GC_PLAN.nested(int(wildcards.month))[-1]
    return f"{GC_DIR}/{wildcards.scenario}/nested/segments/{GC_PLAN.label(last)}.done"


rule gc_meic_hemco:
    message:
        "MEIC monthly grids -> COARDS files HEMCO reads (kg/m2/s)"
    input:
        meic=meic_files(),
    output:
        directory(f"{GC_DIR}/meic_hemco"),
    params:
        year=config["study_year"],
    log:
        run_path("logs/gc_meic_hemco.log"),
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/gc_meic_hemco.py"


rule gc_rundir:
    message:
        "GEOS-Chem run directory: scenario {wildcards.scenario}, {wildcards.domain}"
    input:
        scale_factors=run_path("results/scenarios/{scenario}/scale_factors.nc"),
        meic_hemco=rules.gc_meic_hemco.output[0],
    output:
        info=f"{GC_DIR}/{{scenario}}/{{domain}}/rundir.json",
    params:
        settings=GC,
        first_segment=lambda wildcards: GC_PLAN.label(GC_PLAN.pieces(wildcards.domain)[0]),
        global_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/global/rundir",
        shortest_segment_hours=lambda wildcards: GC_PLAN.shortest_hours(wildcards.domain),
    wildcard_constraints:
        domain="nested|global",
    log:
        run_path(f"logs/geoschem/{{scenario}}_{{domain}}_rundir.log"),
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/gc_rundir.py"


rule gc_segment:
    message:
        "GEOS-Chem {wildcards.domain} run, scenario {wildcards.scenario}, segment {wildcards.segment}"
    input:
        gc_previous,
    output:
        done=f"{GC_DIR}/{{scenario}}/{{domain}}/segments/{{segment}}.done",
    params:
        settings=GC,
        run_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/{wildcards.domain}/rundir",
        global_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/global/rundir",
    wildcard_constraints:
        domain="nested|global",
        segment=r"\d{8}_\d{8}",
    log:
        run_path(f"logs/geoschem/{{scenario}}_{{domain}}_{{segment}}.log"),
    threads: GC["slurm"]["cpus"]
    resources:
        slurm_partition=GC["slurm"]["partition"],
        mem_mb=GC["slurm"]["mem_mb"],
        runtime=GC["slurm"]["runtime_minutes"],
        **({"slurm_account": GC["slurm"]["account"]} if GC["slurm"]["account"] else {}),
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/gc_segment.py"


rule ctm_read:
    message:
        "GEOS-Chem output -> PM2.5 components, scenario {wildcards.scenario}, month {wildcards.month}"
    input:
        gc_month_done,
    output:
        pm25=run_path("results/pm25/{scenario}/{month}.nc"),
    params:
        run_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/nested/rundir",
        year=config["study_year"],
        grid=dict(config["ctm"]["grid"]),
        buffer=config["ctm"]["buffer_cells"],
        version=GC.get("version", ""),
        provenance=PROVENANCE,
    log:
        run_path("logs/ctm_read/{scenario}_{month}.log"),
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/gc_read.py"


rule ctm_info:
    message:
        "CTM run information (GEOS-Chem backend: no calibration)"
    output:
        calibration=run_path("results/ctm/calibration.json"),
    params:
        background=GC["background_ugm3"],
    log:
        run_path("logs/ctm_info.log"),
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../../envs/numerics.yaml"
    script:
        "../../scripts/ctm_info.py"
