"""Progress bars for long steps, shown only on a terminal.

The library logs through :mod:`logging` under the ``advisory`` logger, which
is silent unless the application configures logging (a ``NullHandler`` is
attached in ``advisory/__init__.py``). Long loops (bootstrap refits and
replicates, generation, batch reviews) show a :mod:`tqdm` bar on standard
error when it is a terminal; never in a file, a pipe or a notebook's
captured output unless asked for with :func:`show_progress`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["logger", "progress", "progress_enabled", "show_progress"]

T = TypeVar("T")

#: The library's logger; modules use ``logging.getLogger(__name__)`` under it.
logger = logging.getLogger("advisory")

_setting: list[bool | None] = [None]


@contextlib.contextmanager
def show_progress(enabled: bool | None) -> Iterator[None]:
    """Turn progress bars on (``True``), off (``False``) or back to automatic (``None``).

    Automatic: shown when standard error is a terminal and the environment
    variable ``ADVISORY_PROGRESS`` is not ``0``.

    Examples
    --------
    >>> with show_progress(False):
    ...     progress_enabled()
    False
    """
    saved = _setting[0]
    _setting[0] = enabled
    try:
        yield
    finally:
        _setting[0] = saved


def progress_enabled() -> bool:
    """Return whether progress bars are shown now (see :func:`show_progress`).

    Examples
    --------
    >>> with show_progress(True):
    ...     progress_enabled()
    True
    """
    if _setting[0] is not None:
        return _setting[0]
    if os.environ.get("ADVISORY_PROGRESS", "") == "0":
        return False
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str, unit: str = "it"
) -> Iterable[T]:
    """Wrap ``items`` in a tqdm bar when bars are shown; otherwise return them as they are.

    Parameters
    ----------
    items : iterable
        What the loop runs over.
    total : int, optional
        The number of items, when ``items`` has no length.
    desc : str
        A few words saying what is done (``"bootstrap refits"``).
    unit : str, default="it"
        What one item is.

    Returns
    -------
    iterable
        ``items`` itself, or a tqdm bar over it (standard error, left when done).

    Examples
    --------
    >>> with show_progress(False):
    ...     list(progress(range(3), desc="counting"))
    [0, 1, 2]
    """
    logger.debug("%s: %s %s", desc, total if total is not None else "?", unit)
    if not progress_enabled():
        return items
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - tqdm is a core dependency
        return items
    bar: Any = tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)
    return bar  # type: ignore[no-any-return]
