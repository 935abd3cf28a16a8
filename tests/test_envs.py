"""The software environments deploy as Snakemake deploys them, and each is complete for the rules that use it.

No conda channel is reachable here, so the closest honest check: for each envs/<name>.yaml, a copy of the file is
read from another folder (as Snakemake reads its copy under .snakemake/conda/), and a fresh virtual environment is
built with exactly its packages (same pins, from the package registry, `pip install --no-deps`, so a missing
dependency cannot be filled in silently). In it, every module the scripts of the environment's rules import
(and the library modules they reach) imports, and one job of each of those rules, taken from a real Snakemake
run of the tiny world, runs again with that interpreter, the repository's src/ on PYTHONPATH as
workflow/rules/common.smk sets it, and nothing else. Built environments are cached under .cache/envs/ (or
$EXPORTPM_ENV_CACHE); those tests are marked `envs` (deselect with -m "not envs").
"""

from __future__ import annotations

import ast
import hashlib
import os
import pickle
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from packaging.markers import default_environment
from packaging.requirements import Requirement
from test_workflow import snakemake, workflow_copy

ENVS = REPO / "envs"
CACHE = Path(os.environ.get("EXPORTPM_ENV_CACHE", REPO / ".cache/envs"))
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
# Importable names that no distribution in an environment provides: the rule scripts' Snakemake object.
PROVIDED_BY_SNAKEMAKE = {"snakemake"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#") and "==" in line:
            name, version = line.split("==", 1)
            pins[canonical(name)] = version
    return pins


def env_spec(path: Path) -> tuple[str, list[str], list[str]]:
    """(python pin, conda dependencies other than python, pip requirement lines) of one env file."""
    env = yaml.safe_load(path.read_text(encoding="utf-8"))
    python, conda, pip = "", [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
        elif dep.startswith("python="):
            python = dep.split("=", 1)[1]
        else:
            conda.append(dep)
    return python, conda, pip


def rule_scripts() -> dict[str, str]:
    """Script name -> environment name, for every rule of workflow/rules/."""
    scripts: dict[str, str] = {}
    for path in sorted((REPO / "workflow/rules").glob("*.smk")):
        for block in re.split(r"\n(?=\s*rule[\s:])", path.read_text(encoding="utf-8")):
            env = re.search(r'conda:\s*\n\s*"\.\./\.\./envs/(\w+)\.yaml"', block)
            script = re.search(r'script:\s*\n\s*"\.\./\.\./scripts/(\w+)\.py"', block)
            if env and script:
                assert scripts.setdefault(script.group(1), env.group(1)) == env.group(1), script.group(1)
    return scripts


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement of the file names (module level and inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def library_file(module: str) -> Path | None:
    base = REPO / "src" / Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def script_imports(script: str) -> tuple[set[str], set[str]]:
    """(third-party modules, exportpm modules) a rule script reaches through the library."""
    third, library, todo, seen = set(), set(), [REPO / "scripts" / f"{script}.py"], set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_modules(path):
            top = name.split(".")[0]
            if top == "exportpm":
                parts = name.split(".")
                for depth in range(1, len(parts) + 1):
                    found = library_file(".".join(parts[:depth]))
                    if found:
                        library.add(".".join(parts[:depth]))
                        todo.append(found)
            elif top not in STDLIB and top not in PROVIDED_BY_SNAKEMAKE:
                third.add(name)
    return third, library


def env_imports(env: str) -> tuple[list[str], set[str]]:
    scripts = sorted(s for s, e in rule_scripts().items() if e == env)
    modules: set[str] = set()
    for script in scripts:
        third, library = script_imports(script)
        modules |= third | library
    return scripts, modules


def closure_missing(pins: dict[str, str]) -> dict[str, list[str]]:
    """Requirements of the listed distributions that the list lacks (metadata of the installed versions)."""
    marker_env = {**default_environment(), "extra": ""}
    missing: dict[str, list[str]] = {}
    for name in pins:
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            if (req.marker is None or req.marker.evaluate(marker_env)) and canonical(req.name) not in pins:
                missing.setdefault(name, []).append(req.name)
    return missing


ENV_NAMES = sorted(p.stem for p in ENVS.glob("*.yaml"))


# ---------------------------------------------------------------------------------------------- static checks
@pytest.mark.parametrize("env", ENV_NAMES)
def test_env_file_is_exact_complete_and_self_contained(env, tmp_path):
    deployed = tmp_path / "elsewhere" / f"{env}.yaml"  # Snakemake deploys a copy, away from the repository
    deployed.parent.mkdir()
    shutil.copy(ENVS / f"{env}.yaml", deployed)
    python, conda, pip = env_spec(deployed)
    assert re.fullmatch(r"3\.11\.\d+", python), f"{env}: python must be exact-pinned, got {python!r}"
    assert conda == ["pip"], f"{env}: conda packages other than python and pip: {conda}"
    lock = lock_pins()
    pins = {}
    for line in pip:
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9_.\-]*)==([A-Za-z0-9_.+\-]+)", line)
        assert match, f"{env}: {line!r} is not an exact 'name==version' pin (paths and -e are not deployable)"
        name, version = canonical(match.group(1)), match.group(2)
        assert lock.get(name) == version, f"{env}: {name} {version} vs requirements.lock {lock.get(name)}"
        pins[name] = version
    assert not closure_missing(pins), f"{env}: dependencies not in the environment: {closure_missing(pins)}"


def test_env_files_are_up_to_date():
    """envs/update.py (run after `make lock`) writes exactly the committed files."""
    sys.path.insert(0, str(ENVS))
    try:
        import update
    finally:
        sys.path.remove(str(ENVS))
    pins = update.lock_pins()
    for env, (what, names) in update.TOP_LEVEL.items():
        assert (ENVS / f"{env}.yaml").read_text(encoding="utf-8") == update.render(env, what, names, pins), env


@pytest.mark.parametrize("env", ENV_NAMES)
def test_env_provides_every_import_of_its_rules(env):
    """Static: each third-party module the env's scripts reach belongs to a distribution the env lists."""
    _, _, pip = env_spec(ENVS / f"{env}.yaml")
    listed = {canonical(line.split("==")[0]) for line in pip}
    providers = metadata.packages_distributions()
    _, modules = env_imports(env)
    lacking = {}
    for module in sorted(m for m in modules if not m.startswith("exportpm")):
        dists = {canonical(d) for d in providers.get(module.split(".")[0], [])}
        if not dists & listed:
            lacking[module] = sorted(dists) or ["(not installed anywhere)"]
    assert not lacking, f"{env}.yaml lacks {lacking}"


def test_every_rule_has_a_conda_directive_to_an_existing_env():
    for path in (REPO / "workflow/rules").glob("*.smk"):
        text = path.read_text()
        # every rule that runs code (script, shell, run) names its environment; a rule that only gathers
        # targets (e.g. inputs_check) runs nothing and needs none
        for block in re.split(r"^(?=rule\s+\w+\s*:)", text, flags=re.M)[1:]:
            runs_code = re.search(r"^\s+(script|shell|run|notebook|wrapper):", block, flags=re.M)
            assert bool(runs_code) == ("conda:" in block), f"{path.name}: {block.split(':')[0]}"
        for env in re.findall(r'conda:\s*\n\s*"\.\./\.\./envs/(\w+)\.yaml"', text):
            assert (ENVS / f"{env}.yaml").is_file(), f"{path.name}: envs/{env}.yaml"
    assert set(rule_scripts().values()) == set(ENV_NAMES)


# ------------------------------------------------------------------------------- built environments (slow)
def build_env(env: str) -> Path:
    """A virtual environment with exactly the packages of a deployed copy of envs/<env>.yaml (cached)."""
    text = (ENVS / f"{env}.yaml").read_text(encoding="utf-8")
    key = hashlib.sha256(text.encode() + sys.version.encode()).hexdigest()[:16]
    target = CACHE / f"{env}-{key}"
    if (target / "ok").is_file():
        return target
    building = CACHE / f"{env}-{key}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    deployed = building / f"{env}.yaml"
    deployed.write_text(text, encoding="utf-8")
    python, _, pip = env_spec(deployed)
    base = getattr(sys, "_base_executable", sys.executable)
    version = subprocess.run(
        [base, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert version.split(".")[:2] == python.split(".")[:2], f"{env}: needs python {python}, have {version}"
    subprocess.run([base, "-m", "venv", str(building / "venv")], check=True)
    venv_python = building / "venv/bin/python"
    (building / "requirements.txt").write_text("\n".join(pip) + "\n", encoding="utf-8")
    install = subprocess.run(
        [
            str(venv_python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "-r",
            str(building / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    subprocess.run(
        [str(venv_python), "-m", "pip", "uninstall", "--quiet", "-y", "setuptools"], capture_output=True, text=True
    )
    check = subprocess.run([str(venv_python), "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, f"{env}: {check.stdout[-3000:]}"
    (building / "ok").write_text(version, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    return target


def env_run(venv: Path, args: list[str], cwd: Path, src: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """The environment's interpreter with only its own packages, the workflow's src/ on PYTHONPATH (as
    workflow/rules/common.smk sets it for every job) and no user site-packages."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {
        "PYTHONPATH": str(src),
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
        "PATH": f"{venv / 'venv/bin'}{os.pathsep}{env.get('PATH', '')}",
    }
    return subprocess.run(
        [str(venv / "venv/bin/python"), "-s", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def tiny_jobs(tmp_path_factory) -> tuple[Path, dict[str, list[Path]]]:
    """The tiny world run by Snakemake (scripts kept, temp files kept); per environment, one job file per rule."""
    workdir = workflow_copy(tmp_path_factory.mktemp("envs_wf"))
    for target in ("all", "mrio_interop"):
        run = snakemake(workdir, target, "--configfile", "config/tiny.yaml", "--skip-script-cleanup", "--notemp")
        assert run.returncode == 0, run.stderr[-4000:]
    envs = rule_scripts()
    jobs: dict[str, list[Path]] = {}
    seen_rules: set[str] = set()
    folder = workdir / "jobs"
    folder.mkdir()
    for generated in sorted((workdir / ".snakemake/scripts").glob("tmp*.py")):
        text = generated.read_text(encoding="utf-8")
        preamble = text.split("preamble start")[1].split("\n", 1)[1].split("######## snakemake preamble end")[0]
        namespace: dict = {"__file__": str(generated)}
        path_before = list(sys.path)
        try:
            exec(preamble, namespace)  # the job's own snakemake object, as the job script unpickles it
        finally:
            sys.path[:] = path_before
        job = namespace["snakemake"]
        script = generated.name.split(".", 1)[1].removesuffix(".py")
        if job.rule in seen_rules:
            continue
        seen_rules.add(job.rule)
        data = {
            key: (list(getattr(job, key)), dict(getattr(job, key)._names))
            for key in ("input", "output", "params", "wildcards", "log", "resources")
        }
        data |= {
            "threads": job.threads,
            "config": job.config,
            "rule": job.rule,
            "scriptdir": str(job.scriptdir),
            "script": str(workdir / "scripts" / f"{script}.py"),
        }
        job_file = folder / f"{job.rule}.pickle"
        job_file.write_bytes(pickle.dumps(data, protocol=4))
        jobs.setdefault(envs[script], []).append(job_file)
    return workdir, jobs


@pytest.mark.envs
@pytest.mark.parametrize("env", ENV_NAMES)
def test_scripts_import_in_their_env(env, tmp_path):
    venv = build_env(env)
    _, modules = env_imports(env)
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    run = env_run(venv, ["-c", code, *sorted(modules)], cwd=tmp_path, src=REPO / "src")
    assert run.returncode == 0, f"{env}: {run.stderr[-3000:]}"


@pytest.mark.envs
@pytest.mark.parametrize("env", ENV_NAMES)
def test_tiny_world_rules_run_in_their_env(env, tiny_jobs):
    workdir, jobs = tiny_jobs
    venv = build_env(env)
    scripts = {s for s, e in rule_scripts().items() if e == env}
    assert jobs.get(env), f"no job of the {env} environment ran in the tiny world"
    for job_file in jobs[env]:
        data = pickle.loads(job_file.read_bytes())
        outputs = [workdir / p for p in data["output"][0]]
        for path in outputs:
            if path.is_file():
                path.unlink()  # the job must write them again
        run = env_run(venv, [str(REPO / "tests/env_job.py"), str(job_file)], cwd=workdir, src=workdir / "src")
        assert run.returncode == 0, f"{env}: rule {data['rule']}:\n{run.stderr[-4000:]}"
        assert all(p.exists() for p in outputs), f"{env}: rule {data['rule']} did not write its outputs"
    ran = {Path(pickle.loads(f.read_bytes())["script"]).stem for f in jobs[env]}
    # the GEOS-Chem rules need the geoschem backend (tests/test_workflow_geoschem.py); they are import-checked
    assert scripts - ran <= {s for s in scripts if s.startswith("gc_") or s == "ctm_info"}, scripts - ran
