# exportpm: two commands for a newcomer.
#   make demo   install (idempotent, from requirements.lock) and run the pipeline on the bundled demo world
#   make test   install the same way and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
CORES  ?= 2

.PHONY: install demo test lint dag lock clean-demo geoschem-check config-doc envs

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

demo: install
	$(BIN)/snakemake --cores $(CORES) --configfile config/config.yaml
	$(BIN)/snakemake --configfile config/config.yaml --report results/demo/report.html
	@echo "Done: tables, figures, summary.md and report.html are under results/demo/ (synthetic demo world)."

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src scripts tests benchmarks
	$(BIN)/ruff format --check src scripts tests benchmarks
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

# The rule graph (needs graphviz's `dot`: apt-get install graphviz); works on a clean clone.
dag: install
	@command -v dot >/dev/null || { echo "make dag needs graphviz (dot): apt-get install graphviz"; exit 1; }
	mkdir -p results
	$(BIN)/snakemake --rulegraph | dot -Tsvg > results/rulegraph.svg

# config/README.md from the config schema; envs/*.yaml from requirements.lock (after `make lock`).
config-doc: install
	$(BIN)/python tools/config_doc.py

envs: install
	$(BIN)/python envs/update.py

# Re-resolve every dependency in a scratch venv and freeze it (needs the package registry).
lock:
	rm -rf /tmp/exportpm-lock && $(PYTHON) -m venv /tmp/exportpm-lock
	/tmp/exportpm-lock/bin/pip install --quiet '.[workflow,dev]'
	{ echo "# Exact versions installed by 'make install' (Python 3.11). Regenerate with 'make lock' after changing pyproject.toml."; \
	  echo "# envs/*.yaml pin the same versions for Snakemake's conda deployment; tests/test_envs.py checks they agree."; \
	  /tmp/exportpm-lock/bin/pip freeze --all --exclude exportpm --exclude pip; } > requirements.lock

clean-demo:
	rm -rf results logs .snakemake

# Conformance check of the GEOS-Chem backend against an existing GEOS-Chem Classic 14.x build (builds nothing):
#   EXPORTPM_GCCLASSIC_SRC=/path/to/GCClassic EXPORTPM_GCCLASSIC_BIN=/path/to/bin make geoschem-check
# (bin: the folder with gcclassic and hemco_standalone; without both variables it says so and skips).
GCCHECK_DIR ?= /tmp/exportpm-gccheck
geoschem-check:
	$(BIN)/python scripts/gc_check.py $(GCCHECK_DIR)
