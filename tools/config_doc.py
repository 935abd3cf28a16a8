"""Write config/README.md from workflow/schemas/config.schema.yaml (every key, its type, default and meaning).

Run after changing the schema:  make config-doc
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HEADER = """# Configuration keys

`config/config.yaml` holds the defaults (bundled synthetic demo world, built-in surrogate CTM, one machine);
`config/tiny.yaml` (the tests' 3-province world) and `config/real-data.yaml` (template for licensed inputs)
override some of them; `config/geoschem.yaml` sets up the GEOS-Chem backend. Pass several with
`--configfile a.yaml b.yaml` (later files win). Every key is validated against
`workflow/schemas/config.schema.yaml` before anything runs; this page is generated from that schema
(`make config-doc`). The run's name (`run: name:`) decides where everything goes: `results/<name>/`,
`logs/<name>/`, benchmark records under `results/<name>/benchmarks/`.

| key | type | default | meaning |
|---|---|---|---|
"""


def rows(schema: dict, prefix: str = ""):
    for key, spec in (schema.get("properties") or {}).items():
        name = f"{prefix}{key}"
        kind = spec.get("type", "")
        if "enum" in spec:
            kind = " \\| ".join(map(str, spec["enum"]))
        default = spec.get("default", "")
        shown = "" if default in ({}, "") else json.dumps(default, ensure_ascii=False)
        text = " ".join(str(spec.get("description", "")).split()).replace("|", "\\|")
        if kind == "object" and spec.get("properties"):
            yield f"| `{name}` | object | | {text} |"
            yield from rows(spec, f"{name}.")
        else:
            yield f"| `{name}` | {kind if isinstance(kind, str) else '/'.join(kind)} | {shown.replace('|', '/')} | {text} |"


def main() -> None:
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text(encoding="utf-8"))
    (ROOT / "config/README.md").write_text(HEADER + "\n".join(rows(schema)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
