"""One shape for every result object: ``to_dict()``, ``to_json()`` and ``to_frame()``.

Audits, validations, explanations and case contexts are different things, but a
user reads each the same three ways: as JSON-ready builtins (always a dict), as
JSON text and as one long pandas table. :class:`JsonResult` is that contract.
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_CONFIDENCE", "JsonResult", "json_number"]

#: The one default level of every interval the library computes: the stability
#: intervals of explanations, the audit's group metrics, proxies and parity, and
#: validation against baselines. Why 0.9 rather than the conventional 0.95: the
#: explanation's intervals come from few bootstrap refits (30 by default), and a
#: percentile interval at 0.95 would rest on under one refit in each tail -- in
#: effect the extremes -- while at 0.9 each tail holds one or two. One level for
#: every result keeps them comparable. An ethics board that wants 0.95 says so in
#: its audit policy (``confidence_level``, as the reference policy does), and an
#: Advisor's audit and validation then use the policy's level.
DEFAULT_CONFIDENCE: Final = 0.9


class JsonResult(ABC):
    """Base of the library's result objects.

    Subclasses give :meth:`to_dict` (JSON-ready builtins, always a dict) and
    :meth:`to_frame` (one table); :meth:`to_json` is :meth:`to_dict` as text.

    Examples
    --------
    >>> import pandas as pd
    >>> class Count(JsonResult):
    ...     def to_dict(self):
    ...         return {"n": 3}
    ...     def to_frame(self):
    ...         return pd.DataFrame([self.to_dict()])
    >>> Count().to_json(indent=None)
    '{"n": 3}'
    """

    __slots__ = ()

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Return everything the result holds, as JSON-ready builtins."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """Return the result as one table."""

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text.

        Parameters
        ----------
        indent : int or None, default=2
            Passed to :func:`json.dumps`; None for one line.

        Returns
        -------
        str
            The JSON text.
        """
        return json.dumps(self.to_dict(), indent=indent)


def json_number(value: object) -> float | None:
    """Return a finite float, or None for NaN and infinities (JSON has neither).

    Examples
    --------
    >>> json_number(0.5), json_number(float("nan"))
    (0.5, None)
    """
    x = float(value)  # type: ignore[arg-type]
    return x if math.isfinite(x) else None
