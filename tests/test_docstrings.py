"""numpydoc validation of the public API's docstrings.

ruff's pydocstyle rules (numpy convention) only see public modules, and this
library keeps its code in private modules behind each package's ``__all__``;
so the public names themselves are checked here with numpydoc's validator.
``advisory.prompts`` is left to the review v2 rewrite (issue 13), which owns it.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from numpydoc.validate import validate

PACKAGES = (
    "advisory",
    "advisory.context",
    "advisory.datasets",
    "advisory.definitions",
    "advisory.explain",
    "advisory.fairness",
    "advisory.linkage",
    "advisory.models",
    "advisory.oversight",
    "advisory.reports",
    "advisory.spark",
    "advisory.tracking",
)

#: What every public docstring must have: a docstring, a one-line summary in the
#: imperative (SS*), every parameter documented with a description and no unknown ones
#: (PR01, PR02, PR07), and a described Returns section where something is returned
#: (RT01, RT03). Module-level functions need an Examples section (EX01).
CHECKS = {"GL08", "SS01", "SS02", "SS03", "SS04", "SS05", "SS06", "PR01", "PR02", "PR07"}
RETURNS = {"RT01", "RT03"}


def _members(cls: type) -> Iterator[tuple[str, Any]]:
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if inspect.isfunction(member) or isinstance(member, classmethod | staticmethod | property):
            yield name, member


def _public() -> Iterator[tuple[str, Any, str]]:
    seen: set[int] = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) or id(obj) in seen:
                continue
            seen.add(id(obj))
            qualname = f"{obj.__module__}.{obj.__qualname__}"
            yield qualname, obj, "class" if inspect.isclass(obj) else "function"
            if inspect.isclass(obj):
                for attr, member in _members(obj):
                    kind = "property" if isinstance(member, property) else "method"
                    yield f"{qualname}.{attr}", member, kind


PUBLIC = list(_public())


def test_the_public_api_is_found():
    assert len(PUBLIC) > 100
    assert {kind for _, _, kind in PUBLIC} == {"class", "function", "method", "property"}


@pytest.mark.parametrize(("qualname", "obj", "kind"), PUBLIC, ids=[q for q, _, _ in PUBLIC])
def test_public_docstring(qualname, obj, kind):
    wanted = set(CHECKS)
    if kind in ("function", "method"):
        wanted |= RETURNS
    if kind == "function":
        wanted.add("EX01")
    if kind == "class" and dataclasses.is_dataclass(obj):
        wanted.discard("PR01")  # a dataclass documents its fields under Attributes
    if kind == "class" and issubclass(obj, BaseException):
        wanted.discard("PR01")  # errors are raised by the library, not built by users
    errors = [f"{code}: {message}" for code, message in validate(qualname)["errors"]]
    found = [e for e in errors if e[:4] in wanted]
    assert not found, "\n".join(found)
