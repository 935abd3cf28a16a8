"""The conda environments pin the same versions as requirements.lock; every rule has a conda env."""

from __future__ import annotations

import re

import yaml
from conftest import REPO


def lock_versions() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#") and "==" in line:
            name, version = line.split("==", 1)
            pins[name.lower()] = version
    return pins


def test_env_versions_agree_with_lock():
    pins = lock_versions()
    for path in sorted((REPO / "envs").glob("*.yaml")):
        env = yaml.safe_load(path.read_text())
        for dep in env["dependencies"]:
            entries = dep["pip"] if isinstance(dep, dict) else [dep]
            for entry in entries:
                match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(==|=)(\S+)", entry)
                if not match or match.group(1) == "python":
                    continue
                name, _, version = match.groups()
                locked = pins.get(name.lower())
                assert locked == version, f"{path.name}: {name} {version} vs lock {locked}"


def test_every_rule_has_a_conda_directive():
    for path in (REPO / "workflow/rules").glob("*.smk"):
        text = path.read_text()
        rules = len(re.findall(r"^\s*rule(\s+\w+)?:", text, flags=re.M))
        assert text.count("conda:") == rules, path.name
