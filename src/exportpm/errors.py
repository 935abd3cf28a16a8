"""Errors raised on bad input: they name the file, the field and what was expected."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """A raw input or intermediate product that does not look as expected."""

    def __init__(self, path: str | Path, field: str, expected: str, found: str | None = None) -> None:
        self.path = str(path)
        self.field = field
        self.expected = expected
        self.found = found
        message = f"{self.path}: field '{field}': expected {expected}"
        if found is not None:
            message += f", found {found}"
        super().__init__(message)


class ConfigError(ValueError):
    """A configuration value that cannot be used."""
