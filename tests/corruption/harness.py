"""The corruption suite's harness: cases, how each is run, and how its outcome is classified.

A :class:`Case` corrupts one input of a fresh copy of the tiny demo world (or one config value) and then calls
the pipeline's own reader or check on it. Its outcome is

* ``clear``: the expected error class was raised and its message names the corrupted file (or config key)
  and the field;
* ``unclear``: the expected class, but the message lacks the file or the field;
* ``traceback``: any other exception (a raw library error that names no file or field);
* ``silent``: nothing was raised, so the corrupted input would have produced numbers without a word.

Each area lists its cases in ``tests/corruption/cases_<area>.py`` as a module-level ``CASES`` list;
:func:`all_cases` collects them. Case names are unique, ``<area>/<input>/<corruption>``.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exportpm.errors import InputError

OUTCOMES = ("clear", "unclear", "traceback", "silent")


@dataclass(frozen=True)
class Case:
    """One corrupted variant of one input.

    name: unique id ``<area>/<input>/<corruption>``.
    target: the corrupted file relative to the world folder (its name must appear in the message), or for
        config cases the dotted config key.
    corrupt: edits the world folder copy in place (writes the corrupted file).
    read: calls the pipeline's own reader(s) or validation on the world folder, as the rule would.
    field: text the error message must contain (the field, column, header or key).
    error: the expected exception class.
    """

    name: str
    target: str
    corrupt: Callable[[Path], None]
    read: Callable[[Path], object]
    field: str
    error: type[Exception] = InputError


@dataclass(frozen=True)
class Outcome:
    case: Case
    kind: str  # one of OUTCOMES
    message: str


def run_case(case: Case, pristine_world: Path, scratch: Path) -> Outcome:
    """Copy the pristine world to ``scratch``, corrupt it, call the reader and classify what happened."""
    world = scratch / "world"
    shutil.copytree(pristine_world, world)
    case.corrupt(world)
    try:
        case.read(world)
    except case.error as error:
        message = str(error)
        named = Path(case.target).name in message and case.field in message
        return Outcome(case, "clear" if named else "unclear", message)
    except Exception as error:  # classified, not hidden: a raw traceback is a failure
        return Outcome(case, "traceback", f"{type(error).__name__}: {error}")
    return Outcome(case, "silent", "")


def all_cases() -> list[Case]:
    """Every ``CASES`` list of the ``cases_*`` modules of this package, checked for unique names."""
    cases: list[Case] = []
    package = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(package)]) if m.name.startswith("cases_")):
        cases.extend(importlib.import_module(f"corruption.{module}").CASES)
    names = [c.name for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"corruption cases with the same name: {duplicates}")
    return cases
