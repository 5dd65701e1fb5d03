"""Lazy import of optional dependencies with an actionable error."""

from __future__ import annotations

import importlib
from types import ModuleType

from advisory._errors import MissingExtraError

__all__ = ["import_optional"]


def import_optional(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"shap"`` or ``"fairlearn.metrics"``.
    extra : str
        The ``advisory`` extra that provides it (``"explain"``, ``"fairness"``,
        ``"tracking"``).
    feature : str
        Words describing what needs it, used in the error message.

    Returns
    -------
    types.ModuleType
        The imported module.

    Examples
    --------
    >>> import_optional("json", "core", "Reading JSON").__name__
    'json'
    >>> import_optional("no_such_module_xyz", "explain", "This feature")
    Traceback (most recent call last):
    ...
    advisory._errors.MissingExtraError: This feature needs ... pip install 'advisory[explain]'
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        root = module.split(".")[0]
        if exc.name is not None and exc.name.split(".")[0] != root:
            raise
        raise MissingExtraError(module, extra, feature) from exc
