"""Lazy import of optional dependencies with an actionable error."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Final

from advisory._errors import MissingExtraError

__all__ = ["EXTRAS", "import_optional", "require_extras"]

#: The modules each extra provides, checked by :func:`require_extras`.
EXTRAS: Final[dict[str, tuple[str, ...]]] = {
    "explain": ("shap", "matplotlib"),
    "fairness": ("fairlearn", "matplotlib", "jinja2"),
    "tracking": ("mlflow",),
    "parquet": ("pyarrow",),
    "spark": ("pyspark", "pyarrow"),
}


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


def require_extras(*extras: str, feature: str) -> None:
    """Fail before any work if a module of one of ``extras`` is not installed.

    Only looks the modules up (nothing is imported), so it costs microseconds.

    Parameters
    ----------
    *extras : str
        Names of :data:`EXTRAS` (``"explain"``, ``"fairness"``, ``"tracking"``,
        ``"parquet"``, ``"spark"``).
    feature : str
        Words describing what needs them, used in the error message.

    Raises
    ------
    advisory.MissingExtraError
        Naming the first missing module and its extra.

    Examples
    --------
    >>> require_extras("explain", feature="SHAP plots")  # shap and matplotlib are installed
    >>> import sys
    >>> sys.modules["pyarrow"], saved = None, sys.modules.get("pyarrow")
    >>> try:
    ...     require_extras("parquet", feature="Reading Parquet records")
    ... except MissingExtraError as error:
    ...     print(error.extra, error.module)
    parquet pyarrow
    >>> _ = sys.modules.pop("pyarrow") if saved is None else sys.modules.update(pyarrow=saved)
    """
    for extra in extras:
        for module in EXTRAS[extra]:
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                raise MissingExtraError(module, extra, feature)
