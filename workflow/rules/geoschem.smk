# The GEOS-Chem Classic backend (ctm.backend: geoschem): run directories, restartable segments as SLURM jobs,
# and the reader that writes the same product as the surrogate. Fill in config/geoschem.yaml.
import sys

from exportpm.ctm.gc_plan import Plan, planned_core_hours
from exportpm.ctm.geoschem import validate_config
from exportpm.scenarios import group_slug

GC = config["ctm"]["geoschem"]
validate_config(GC, config["scenarios"]["region_groups"])  # placeholders, missing paths: before anything runs
GC_PLAN = Plan(
    config["study_year"],
    tuple(config["ctm"]["months"]),
    GC["segments_per_month"],
    GC["nested_spinup_days"],
    GC["global_spinup_months"],
)
GC_DIR = run_path("results/geoschem")
GC_MODULES = list(GC["envmodules"])
# Foreign groups: those in simulate_groups get their own GEOS-Chem runs, the others are apportioned from I_EX.
GC_OWN_RUNS = {f"I_EXREGION_{group_slug(g)}" for g in GC["simulate_groups"]}
GC_SIMULATED = [s for s in SCENARIOS if not s.startswith("I_EXREGION_") or s in GC_OWN_RUNS]
GC_APPORTIONED = [s for s in SCENARIOS if s not in GC_SIMULATED]
GC_COST = planned_core_hours(
    GC_PLAN, len(GC_SIMULATED), GC["slurm"]["cpus"], GC["nested_hours_per_day"], GC["global_hours_per_day"]
)
if workflow.is_main_process:
    print(
        f"GEOS-Chem plan: {len(GC_SIMULATED)} simulated scenarios ({', '.join(GC_SIMULATED)}), "
        f"{len(GC_APPORTIONED)} apportioned from I_EX; about {GC_COST['total']:,.0f} core-hours "
        f"({GC_COST['nested_per_scenario']:,.0f} nested + {GC_COST['global_per_scenario']:,.0f} global per "
        f"scenario at {GC['slurm']['cpus']} cores; ctm.geoschem.nested/global_hours_per_day)",
        file=sys.stderr,
    )


def gc_previous(wildcards):
    """The restart this segment starts from: the previous segment of the chain, or nothing."""
    previous = GC_PLAN.previous(wildcards.domain, wildcards.segment)
    inputs = [f"{GC_DIR}/{wildcards.scenario}/{wildcards.domain}/rundir.json"]
    if previous:
        inputs.append(f"{GC_DIR}/{wildcards.scenario}/{wildcards.domain}/segments/{previous}.done")
    if wildcards.domain == "nested":
        inputs += [
            f"{GC_DIR}/{wildcards.scenario}/global/segments/{label}.done"
            for label in GC_PLAN.covering_global(wildcards.segment)
        ]
    return inputs


def gc_month_done(wildcards):
    last = GC_PLAN.nested(int(wildcards.month))[-1]
    return f"{GC_DIR}/{wildcards.scenario}/nested/segments/{GC_PLAN.label(last)}.done"


rule gc_meic_hemco:
    input:
        meic=meic_files(),
    output:
        directory(f"{GC_DIR}/meic_hemco"),
    log:
        run_path("logs/gc_meic_hemco.log"),
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        year=config["study_year"],
    message:
        "MEIC monthly grids -> COARDS files HEMCO reads (kg/m2/s)"
    script:
        "../../scripts/gc_meic_hemco.py"


rule gc_rundir:
    input:
        scale_factors=run_path("results/scenarios/{scenario}/scale_factors.nc"),
        meic_hemco=rules.gc_meic_hemco.output[0],
    output:
        info=f"{GC_DIR}/{{scenario}}/{{domain}}/rundir.json",
    log:
        run_path(f"logs/geoschem/{{scenario}}_{{domain}}_rundir.log"),
    wildcard_constraints:
        domain="nested|global",
    conda:
        "../../envs/numerics.yaml"
    envmodules:
        *GC_MODULES,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=GC,
        first_segment=lambda wildcards: GC_PLAN.label(GC_PLAN.pieces(wildcards.domain)[0]),
        global_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/global/rundir",
        shortest_segment_hours=lambda wildcards: GC_PLAN.shortest_hours(wildcards.domain),
    message:
        "GEOS-Chem run directory: scenario {wildcards.scenario}, {wildcards.domain}"
    script:
        "../../scripts/gc_rundir.py"


rule gc_segment:
    input:
        gc_previous,
    output:
        done=f"{GC_DIR}/{{scenario}}/{{domain}}/segments/{{segment}}.done",
    log:
        run_path(f"logs/geoschem/{{scenario}}_{{domain}}_{{segment}}.log"),
    wildcard_constraints:
        domain="nested|global",
        segment=r"\d{8}_\d{8}",
    conda:
        "../../envs/numerics.yaml"
    envmodules:
        *GC_MODULES,
    threads: GC["slurm"]["cpus"]
    resources:
        **({"slurm_account": GC["slurm"]["account"]} if GC["slurm"]["account"] else {}),
        slurm_partition=GC["slurm"]["partition"],
        mem_mb=GC["slurm"]["mem_mb"],
        runtime=GC["slurm"]["runtime_minutes"],
    params:
        settings=GC,
        run_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/{wildcards.domain}/rundir",
        global_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/global/rundir",
    message:
        "GEOS-Chem {wildcards.domain} run, scenario {wildcards.scenario}, segment {wildcards.segment}"
    script:
        "../../scripts/gc_segment.py"


rule ctm_read:
    input:
        gc_month_done,
    output:
        pm25=run_path("results/pm25/{scenario}/{month}.nc"),
    log:
        run_path("logs/ctm_read/{scenario}_{month}.log"),
    wildcard_constraints:
        scenario="|".join(GC_SIMULATED),
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        run_dir=lambda wildcards: f"{GC_DIR}/{wildcards.scenario}/nested/rundir",
        year=config["study_year"],
        grid=dict(config["ctm"]["grid"]),
        buffer=config["ctm"]["buffer_cells"],
        version=GC.get("version", ""),
        provenance=PROVENANCE,
    message:
        "GEOS-Chem output -> PM2.5 components, scenario {wildcards.scenario}, month {wildcards.month}"
    script:
        "../../scripts/gc_read.py"


if GC_APPORTIONED:

    rule gc_apportion:
        input:
            base_pm25=run_path("results/pm25/Base/{month}.nc"),
            iex_pm25=run_path("results/pm25/I_EX/{month}.nc"),
            base_emissions=run_path("results/scenarios/Base/emissions.nc"),
            iex_emissions=run_path("results/scenarios/I_EX/emissions.nc"),
            group_emissions=run_path("results/scenarios/{scenario}/emissions.nc"),
        output:
            pm25=run_path("results/pm25/{scenario}/{month}.nc"),
        log:
            run_path("logs/gc_apportion/{scenario}_{month}.log"),
        wildcard_constraints:
            scenario="|".join(GC_APPORTIONED),
        conda:
            "../../envs/numerics.yaml"
        threads: 1
        resources:
            mem_mb=2000,
            runtime=10,
        params:
            year=config["study_year"],
            provenance=PROVENANCE,
        message:
            "Foreign group {wildcards.scenario}, month {wildcards.month}: PM2.5 apportioned from I_EX"
        script:
            "../../scripts/gc_apportion.py"


rule ctm_info:
    output:
        calibration=run_path("results/ctm/calibration.json"),
    log:
        run_path("logs/ctm_info.log"),
    conda:
        "../../envs/numerics.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        background=GC["background_ugm3"],
    message:
        "CTM run information (GEOS-Chem backend: no calibration)"
    script:
        "../../scripts/ctm_info.py"
