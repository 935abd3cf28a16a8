# The CTM runs (design product 9): backend "surrogate" (built in, local) or "geoschem" (GEOS-Chem Classic on SLURM).
STATEMET = {int(k): v for k, v in config["ctm"]["surrogate"]["statemet"].items()}
CTM_GRID = dict(config["ctm"]["grid"])

if config["ctm"]["backend"] == "geoschem":

    include: "geoschem.smk"

else:

    include: "surrogate.smk"
