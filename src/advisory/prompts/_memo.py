"""One small bounded memo: the only cache of the review path.

Reviews repeat most of their wording (catalogue questions, relationship
words, relative dates), so remembering what was built or checked is most of
their speed. Every such memory is a :class:`BoundedMemo`: it forgets
everything when full (so memory stays bounded whatever the input), and
:func:`reset_memos` empties all of them, which tests call so that no test
depends on what another one left behind.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, Final, Generic, TypeVar

__all__ = ["BoundedMemo", "reset_memos"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_ALL: Final[weakref.WeakSet[BoundedMemo[Any, Any]]] = weakref.WeakSet()
_MISSING: Final = object()


class BoundedMemo(Generic[K, V]):
    """A dict of results that forgets everything when it holds ``size`` entries.

    Parameters
    ----------
    size : int
        How many entries it keeps at most.

    Examples
    --------
    >>> memo: BoundedMemo[int, int] = BoundedMemo(2)
    >>> memo.get_or(3, lambda: 9)
    9
    >>> memo.get_or(3, lambda: 0)
    9
    >>> memo.reset()
    >>> memo.get_or(3, lambda: 0)
    0
    """

    __slots__ = ("__weakref__", "data", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: dict[K, V] = {}
        _ALL.add(self)

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def get(self, key: K) -> V | None:
        """Return the value remembered for ``key``, or ``None``."""
        return self.data.get(key)

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` for ``key`` (forgetting everything first when full)."""
        data = self.data
        if len(data) >= self.size:
            data.clear()
        data[key] = value
        return value

    def get_or(self, key: K, make: Callable[[], V]) -> V:
        """Return the value for ``key``, making and remembering it when missing."""
        found = self.data.get(key, _MISSING)
        if found is _MISSING:
            return self.put(key, make())
        return found  # type: ignore[return-value]

    def reset(self) -> None:
        """Forget everything."""
        self.data.clear()


def reset_memos() -> None:
    """Empty every memo of the review path (tests call it between tests).

    Examples
    --------
    >>> memo: BoundedMemo[str, str] = BoundedMemo(4)
    >>> _ = memo.put("a", "b")
    >>> reset_memos()
    >>> len(memo)
    0
    """
    for memo in list(_ALL):
        memo.reset()
