"""The audit's group counts from a Spark DataFrame, suppressed by the audit's own rule."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from advisory._checks import check_int
from advisory._errors import InputError
from advisory.fairness import withheld_group_sizes
from advisory.spark._tables import spark_sql

__all__ = ["audit_counts_on_spark"]

_OWNER: Final = "audit_counts_on_spark"


def audit_counts_on_spark(
    frame: Any,
    attributes: Sequence[str],
    outcome: str,
    *,
    intersections: Sequence[Sequence[str]] = (),
    min_cell_size: int = 10,
) -> pd.DataFrame:
    """Count cases and outcomes by group on Spark, withholding what the audit withholds.

    One Spark aggregation per attribute and intersection; the small tables of
    counts come back to the driver, where :func:`advisory.fairness.audit`'s
    own suppression decides which group sizes are withheld (fewer than
    ``min_cell_size`` cases, then joint suppression over every table so that
    no withheld size can be worked out from the others). So a board sees the
    group sizes the audit would publish, for records of any size.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        One row per case, with the attribute columns and the outcome (0 or 1).
    attributes : sequence of str
        The sensitive attribute columns.
    outcome : str
        The outcome column.
    intersections : sequence of sequences of str, optional
        Attribute combinations to count as well.
    min_cell_size : int, default=10
        Groups with fewer cases are withheld.

    Returns
    -------
    pandas.DataFrame
        ``attribute`` (``"a x b"`` for an intersection), ``group`` (``"x & y"``),
        ``n`` (missing where withheld) and ``suppressed``, every combination of
        groups included.

    Raises
    ------
    advisory.InputError
        Before any Spark job, for a missing column; then for missing
        attribute values, an attribute with one group, or outcomes not 0 or 1.

    Examples
    --------
    Not run here (it needs a Spark session; ``tests/spark`` runs it):

    >>> audit_counts_on_spark(cases, ["sex", "ethnicity"], "outcome")  # doctest: +SKIP
    """
    sql = spark_sql()
    functions = sql.functions
    if not isinstance(frame, sql.DataFrame):
        raise InputError(
            f"The 'frame' parameter of {_OWNER} must be a Spark DataFrame; "
            f"got {type(frame).__name__} instead."
        )
    min_cell_size = check_int(min_cell_size, "min_cell_size", _OWNER, minimum=1)
    combos = [(str(a),) for a in attributes] + [tuple(str(a) for a in c) for c in intersections]
    for column in [outcome, *{a for combo in combos for a in combo}]:
        if column not in frame.columns:
            raise InputError(
                f"The Spark DataFrame has no column {column!r}; found {list(frame.columns)}."
            )
    bad = frame.where(~functions.col(outcome).isin(0, 1) | functions.col(outcome).isNull())
    if bad.limit(1).count():
        raise InputError(f"The outcome column {outcome!r} must hold only 0 and 1 for every case.")
    counted: dict[tuple[str, ...], pd.DataFrame] = {}
    for combo in combos:
        keys = [functions.col(f"`{a}`").cast("string").alias(a) for a in combo]
        counted[combo] = (
            frame.groupBy(*keys)
            .agg(
                functions.count(functions.lit(1)).alias("n"),
                functions.sum(functions.col(outcome).cast("long")).alias("positives"),
            )
            .toArrow()
            .to_pandas()
        )
    groups: dict[str, list[str]] = {}
    for (attribute,), table in ((c, t) for c, t in counted.items() if len(c) == 1):
        if table[attribute].isna().any():
            missing = int(table.loc[table[attribute].isna(), "n"].sum())
            raise InputError(
                f"The attribute column {attribute!r} has {missing} missing values; record them "
                "as an explicit group (e.g. 'Not recorded') rather than dropping cases."
            )
        groups[attribute] = sorted(str(g) for g in table[attribute])
        if len(groups[attribute]) < 2:
            raise InputError(
                f"The attribute column {attribute!r} has only one group; an audit needs at "
                "least two groups to compare."
            )
    cells: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {}
    for combo, table in counted.items():
        found = {
            tuple(str(v) for v in key): int(n)
            for *key, n in table[[*combo, "n"]].itertuples(index=False)
        }
        cells[combo] = {
            key: found.get(key, 0) for key in itertools.product(*[groups[a] for a in combo])
        }
    # the audit's own rule: a group's size is withheld for its own sake, then jointly
    hidden = withheld_group_sizes(cells, min_cell_size=min_cell_size)
    rows = [
        {
            "attribute": " x ".join(combo),
            "group": " & ".join(key),
            "n": np.nan if key in hidden[combo] else float(n),
            "suppressed": key in hidden[combo],
        }
        for combo, counts in cells.items()
        for key, n in counts.items()
    ]
    return pd.DataFrame(rows, columns=["attribute", "group", "n", "suppressed"])
