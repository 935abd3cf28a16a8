"""Real mode end to end: the tiny world's files, renamed and moved as a user would keep them, run with
``inputs: real``, give the same products as the demo-mode run; and config/real-data.yaml plans the whole DAG.

Nothing here knows the demo's file names: every file the tiny world writes (``part_files``) is placed by its
data key (``RAW_FILES``: a file; ``RAW_DIRS``: a folder whose names follow the readers' patterns). A file of the
world that no data key covers fails the test, so a new input must be given a key (schema, real-data.yaml).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import xarray as xr
import yaml
from conftest import REPO
from test_workflow import snakemake, workflow_copy

from exportpm.demo.world import RAW_DIRS, RAW_FILES, part_files

pytestmark = pytest.mark.workflow
TINY = yaml.safe_load((REPO / "config/tiny.yaml").read_text(encoding="utf-8"))
RUN = TINY["run"]["name"]
# The only products whose bytes differ between the two runs: they name the raw file they were read from
# (attribute 'source', a header line or the summary's path column), which is the user's own path in real mode,
# and the run index (README.md) lists the demo world's folder only in demo mode.
# Every other product, figures included, is byte-identical: provenance follows the inputs' SYNTHETIC mark, not
# the inputs: mode; PDFs carry no creation date and the balance report no GRAS wall time.
SOURCE_PATH_PRODUCTS = {
    "README.md",
    "inputs/inputs_summary.csv",
    "mrio/gtap_identities.csv",
    "mrio/gtap_mrio.nc",
    "mrio/customs_blocks.nc",
    "mrio/provincial_expanded.nc",
}


def demo_file_keys(size: str) -> dict[str, str | None]:
    """Each file of the demo world (relative path) -> the data key (file) or folder key that holds it, or None
    for a file the release ships beside a keyed one and no reader takes (e.g. GTAP's default.prm)."""
    by_file = {path: key for key, path in RAW_FILES.items()}
    out = {}
    for files in part_files(size).values():
        for relative in files:
            folder = [key for key, name in RAW_DIRS.items() if relative.startswith(f"{name}/")]
            out[relative] = by_file.get(relative) or (folder[0] if folder else None)
    keyed_folders = {str(Path(r).parent) for r, key in out.items() if key in RAW_FILES}
    beside = [r for r, key in out.items() if key is None and str(Path(r).parent) not in keyed_folders]
    assert not beside, f"demo files with no data key and no keyed file beside them: {beside} (add them to RAW_FILES)"
    return out


def user_layout(world: Path, target: Path, size: str = "tiny") -> dict[str, str]:
    """Copy the world into a layout of the user's own (other folders, other file names); return data:."""
    data, folders = {}, {}
    keys = demo_file_keys(size)
    for relative, key in sorted(keys.items(), key=lambda item: item[1] is None):
        if key in RAW_DIRS:  # a folder: its own name, the readers' file names inside
            folder = target / "inventories" / f"{key.removesuffix('_dir')}-release-v9"
            destination = folder / Path(relative).name
            data[key] = str(folder)
        elif key is None:  # shipped beside a keyed file: kept beside the user's copy of it, under its own name
            destination = folders[str(Path(relative).parent)] / Path(relative).name
        else:  # a file: its own folder and name, the extension kept (readers may look at it)
            suffix = "".join(Path(relative).suffixes)
            destination = target / "downloads" / f"{Path(relative).parent}-from-provider" / f"my_{key}_copy{suffix}"
            folders[str(Path(relative).parent)] = destination.parent
            data[key] = str(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(world / relative, destination)
    return data


def products(workdir: Path, run: str) -> dict[str, Path]:
    """Every product of the run (results/<run>/) except the demo world and benchmark records (path -> file)."""
    root = workdir / "results" / run
    return {
        str(p.relative_to(root)): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in ("demo_world", "benchmarks")
    }


def _replace(value, paths: dict[str, str]):
    if isinstance(value, bytes):
        for real, demo in paths.items():
            value = value.replace(real.encode(), demo.encode())
    elif isinstance(value, str):
        for real, demo in paths.items():
            value = value.replace(real, demo)
    return value


def same_but_source_paths(demo: Path, real: Path, paths: dict[str, str]) -> bool:
    """Equal once the real run's input paths are written as the demo run's (text, netCDF attrs, Parquet
    metadata): the product differs only by the provenance attribute naming its source file."""
    if demo.suffix in (".csv", ".md", ".txt"):
        expected = b"".join(
            line for line in demo.read_bytes().splitlines(keepends=True) if not line.startswith(b"| `demo_world/")
        )  # the run index lists the demo world
        return expected == _replace(real.read_bytes(), paths)
    if demo.suffix == ".nc":
        with xr.open_dataset(demo) as a, xr.open_dataset(real) as b:
            b = b.load()
            b.attrs = {k: _replace(v, paths) for k, v in b.attrs.items()}
            for name in b.variables:
                b[name].attrs = {k: _replace(v, paths) for k, v in b[name].attrs.items()}
            return a.identical(b)
    if demo.suffix == ".parquet":
        a, b = pq.read_table(demo), pq.read_table(real)
        meta = {k: _replace(v, paths) for k, v in (b.schema.metadata or {}).items()}
        return a.equals(b) and (a.schema.metadata or {}) == meta
    return False


@pytest.fixture(scope="module")
def demo_run(tiny_demo_run) -> Path:
    return tiny_demo_run


def test_real_mode_equals_demo_mode(demo_run, tmp_path):
    data = user_layout(demo_run / f"results/{RUN}/demo_world", tmp_path / "user data")
    (tmp_path / "real_mode").mkdir()
    workdir = workflow_copy(tmp_path / "real_mode")
    config = {**{k: v for k, v in TINY.items() if k != "demo"}, "inputs": "real", "data": data}
    (workdir / "mine.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    run = snakemake(workdir, "--configfile", "mine.yaml", timeout=1500)
    assert run.returncode == 0, run.stderr[-4000:]
    assert not (workdir / f"results/{RUN}/demo_world").exists()  # no demo rule ran
    demo, real = products(demo_run, RUN), products(workdir, RUN)
    assert sorted(real) == sorted(demo)
    differ = [name for name in demo if demo[name].read_bytes() != real[name].read_bytes()]
    # The demo run read results/<run>/demo_world/...; undo the layout (longest paths first).
    demo_dir = f"results/{RUN}/demo_world"
    paths = {
        data[key]: f"{demo_dir}/{RAW_FILES[key] if key in RAW_FILES else RAW_DIRS[key]}"
        for key in sorted(data, key=lambda k: -len(data[k]))
    }
    by_source = sorted(name for name in differ if same_but_source_paths(demo[name], real[name], paths))
    assert set(by_source) <= SOURCE_PATH_PRODUCTS, f"more products name their source file: {by_source}"
    assert not set(differ) - set(by_source), f"real-mode products differ from demo mode: {sorted(differ)}"


def test_real_data_template_plans_the_whole_dag(demo_run, tmp_path):
    """config/real-data.yaml itself, its paths filled with the tiny world's files, plans every non-demo rule."""
    template = yaml.safe_load((REPO / "config/real-data.yaml").read_text(encoding="utf-8"))
    (tmp_path / "template").mkdir()
    workdir = workflow_copy(tmp_path / "template")
    world = demo_run / f"results/{RUN}/demo_world"
    keys = demo_file_keys(TINY["demo"]["size"])
    paths = {key for key in template["data"] if key in RAW_FILES or key in RAW_DIRS}  # others are options
    assert set(keys.values()) - {None} == paths, "real-data.yaml data: and the demo world's inputs differ"
    for relative, key in sorted(keys.items(), key=lambda item: item[1] is None):
        if key is None:
            continue
        path = workdir / template["data"][key]
        destination = path / Path(relative).name if key in RAW_DIRS else path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(world / relative, destination)
    dry = snakemake(workdir, "--configfile", "config/real-data.yaml", "-n")
    assert dry.returncode == 0, (dry.stdout + dry.stderr)[-3000:]
    planned = set(re.findall(r"^(\w+)\s+\d+$", dry.stdout + dry.stderr, flags=re.M)) - {"total"}
    (tmp_path / "demo").mkdir()
    demo_dry = snakemake(workflow_copy(tmp_path / "demo"), "--configfile", "config/tiny.yaml", "-n")
    in_demo = set(re.findall(r"^(\w+)\s+\d+$", demo_dry.stdout + demo_dry.stderr, flags=re.M)) - {"total"}
    # rules behind options the tiny config switches on for its end-to-end test and the template leaves off
    first_order = template.get("ctm", {}).get("surrogate", {}).get("first_order", False)
    optional = set() if first_order else {"ctm_first_order"}
    assert planned == {r for r in in_demo if not r.startswith("demo_")} - optional
    assert "all" in planned and "inputs_summary" in planned


def test_real_mode_names_every_missing_key(tmp_path):
    workdir = workflow_copy(tmp_path)
    (workdir / "real.yaml").write_text("inputs: real\ndata:\n  gtap_basedata: x.har\n", encoding="utf-8")
    run = snakemake(workdir, "--configfile", "real.yaml", "-n")
    assert run.returncode != 0
    text = run.stdout + run.stderr
    for key in set(RAW_FILES) - {"gtap_basedata"} | set(RAW_DIRS):
        assert key in text, key
    assert "data.gtap_basedata: no such file 'x.har'" in text
    assert not (workdir / "results").exists()
