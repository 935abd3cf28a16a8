# exportpm: foreign consumers' share of Chinese provincial PM2.5 (see README.md and the paper's Methods).
# The config is validated against workflow/schemas/config.schema.yaml, then semantically (exportpm.config, called
# at the top of workflow/rules/common.smk), before the DAG is built.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


validate(config, "workflow/schemas/config.schema.yaml", set_default=True)


include: "workflow/rules/common.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/inputs.smk"
include: "workflow/rules/mrio.smk"
include: "workflow/rules/inventory.smk"
include: "workflow/rules/footprint.smk"
include: "workflow/rules/scenarios.smk"
include: "workflow/rules/ctm.smk"
include: "workflow/rules/exposure.smk"
include: "workflow/rules/spa.smk"
include: "workflow/rules/evaluation.smk"
include: "workflow/rules/uncertainty.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/comparison.smk"
include: "workflow/rules/interop.smk"


rule all:
    default_target: True
    input:
        rules.inputs_summary.output.summary,
        rules.ras.output.mrio,
        rules.ras.output.report,
        rules.inventory_hybrid.output.emissions,
        rules.export_emissions.output.fractions,
        rules.scenario_emissions.output.scale_factors,
        rules.exposure.output.provincial,
        rules.spa.output.top_paths,
        rules.maps.output,
        rules.figures.output,
        rules.tables.output,
        rules.paper_comparison.output,
        rules.evaluate_ctm.output,
        rules.uncertainty.output,
        rules.run_index.output,
        FIRST_ORDER_OUTPUTS,
    message:
        "Every product of the pipeline"
