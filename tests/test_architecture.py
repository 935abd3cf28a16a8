"""The package's layers: every import of ``exportpm`` goes downwards (or within its own layer), never up.

Layers, lowest first (docs/architecture.md explains them):

0. base: errors, logs, conventions, resources, grid, benchmarking
1. raw-input readers and generic file I/O: ``exportpm.io``, regrid
2. stage libraries, in the order of the DAG: mrio, inventory, footprint, scenarios, ctm, pm25, exposure,
   evaluation, spa, uncertainty, then tables and figures (which draw from every stage's products)
3. the demo-world generator (writes raw inputs in their real layouts; may use the readers' writers)

A module may import modules of a lower layer and of its own layer at the same or a lower rank; for stages the
rank is the DAG order above.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "exportpm"
RANKS = {
    "errors": 0,
    "logs": 0,
    "conventions": 0,
    "benchmarking": 0,
    "numerics": 0,
    "resources": 1,
    "grid": 1,
    "io": 2,
    "regrid": 2,
    "mrio": 10,
    "inventory": 11,
    "footprint": 12,
    "scenarios": 13,
    "ctm": 14,
    "pm25": 15,
    "exposure": 16,
    "evaluation": 17,
    "spa": 17,
    "uncertainty": 18,
    "tables": 19,
    "figures": 19,
    "comparison": 19,
    "maps": 19,
    "demo": 30,
    "config": 31,  # semantic config validation: checks values against every layer's names and the demo's files
}


def top_unit(module: str) -> str:
    """``exportpm.mrio.store`` -> ``mrio``; ``exportpm`` itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every ``exportpm`` import in one source file, including imports inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exportpm"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("exportpm"))
    return found


def test_every_module_has_a_layer():
    units = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in PACKAGE.rglob("*.py")}
    assert units - {"__init__"} <= set(RANKS), f"modules without a layer: {sorted(units - set(RANKS) - {'__init__'})}"


def test_imports_go_downwards_only():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if unit == "__init__":
            continue
        for line, module in imports_of(path):
            target = top_unit(module)
            if target and target != unit and RANKS[target] > RANKS[unit]:
                upward.append(f"{path.relative_to(REPO)}:{line} ({unit}) imports {module} ({target})")
    assert not upward, "imports that run back up a layer:\n" + "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path):
    """The parser finds imports at any depth, so the test above can fail."""
    source = tmp_path / "example.py"
    source.write_text("def f():\n    from exportpm.figures import draw\n", encoding="utf-8")
    assert imports_of(source) == [(2, "exportpm.figures")]
