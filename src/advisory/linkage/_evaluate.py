"""Pairwise linkage quality against known links, and the exact-match baseline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._errors import InputError

__all__ = ["PairwiseQuality", "exact_match_clusters", "pairwise_quality"]


@dataclass(frozen=True, kw_only=True)
class PairwiseQuality:
    """Pairs of records put together by a linkage, against the true pairs.

    ``true_positive`` pairs are linked and truly one person; ``predicted``
    pairs are linked; ``actual`` pairs are truly one person.
    """

    true_positive: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Share of linked pairs that are truly one person (1.0 when none are linked)."""
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs that are linked (1.0 when there are none)."""
        return self.true_positive / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def missed(self) -> int:
        """True pairs not linked."""
        return self.actual - self.true_positive

    @property
    def false(self) -> int:
        """Linked pairs that are not one person."""
        return self.predicted - self.true_positive


def _pairs(counts: npt.NDArray[np.integer[Any]]) -> int:
    return int((counts * (counts - 1) // 2).sum())


def pairwise_quality(
    predicted: pd.Series | npt.NDArray[np.object_], actual: pd.Series | npt.NDArray[np.object_]
) -> PairwiseQuality:
    """Compare two clusterings of the same records pair by pair.

    Parameters
    ----------
    predicted, actual : array-like
        A cluster label per record (the linked person id, the true person id).

    Returns
    -------
    PairwiseQuality
        Counts of true, predicted and correctly predicted pairs.

    Examples
    --------
    >>> q = pairwise_quality(["a", "a", "b", "c"], ["x", "x", "x", "y"])
    >>> q.true_positive, q.predicted, q.actual, round(q.f1, 3)
    (1, 1, 3, 0.5)
    """
    left = pd.Series(np.asarray(predicted, dtype=object))
    right = pd.Series(np.asarray(actual, dtype=object))
    if len(left) != len(right):
        raise InputError(
            f"predicted and actual must label the same records; got {len(left)} and {len(right)}."
        )
    if left.isna().any() or right.isna().any():
        raise InputError("Every record needs a predicted and an actual cluster label.")
    both = pd.DataFrame({"p": left, "a": right}).value_counts().to_numpy(dtype=np.int64)
    return PairwiseQuality(
        true_positive=_pairs(both),
        predicted=_pairs(left.value_counts().to_numpy(dtype=np.int64)),
        actual=_pairs(right.value_counts().to_numpy(dtype=np.int64)),
    )


def exact_match_clusters(records: pd.DataFrame) -> npt.NDArray[np.object_]:
    """Cluster records agreeing exactly on first name, surname, date of birth and postcode.

    The usual first attempt at linkage, used as the baseline.

    Records missing any of the four stay alone.

    Parameters
    ----------
    records : pandas.DataFrame
        ``record_uid``, ``first_name``, ``last_name``, ``birth_date``, ``postcode``
        (as :func:`check_extracts` standardises them).

    Returns
    -------
    numpy.ndarray
        A cluster label per record.

    Examples
    --------
    >>> import pandas as pd
    >>> records = pd.DataFrame({"record_uid": ["a:1", "b:1", "b:2"],
    ...     "first_name": ["john", "john", "jon"], "last_name": ["smith"] * 3,
    ...     "birth_date": ["1989-03-04"] * 3, "postcode": ["LS1 1AA"] * 3})
    >>> labels = exact_match_clusters(records)
    >>> bool(labels[0] == labels[1]), bool(labels[1] == labels[2])
    (True, False)
    """
    keys = ["first_name", "last_name", "birth_date", "postcode"]
    complete = records[keys].notna().all(axis=1).to_numpy()
    key = (
        records["first_name"].astype(str)
        + "|"
        + records["last_name"].astype(str)
        + "|"
        + records["birth_date"].astype(str)
        + "|"
        + records["postcode"].astype(str)
    ).to_numpy(dtype=object)
    return np.where(complete, key, records["record_uid"].to_numpy(dtype=object))
