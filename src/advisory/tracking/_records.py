"""The review model's input: six record tables as JSON rows or DataFrames.

MLflow is imported only by :func:`model_signature`; the rest works without it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from advisory._errors import InputError
from advisory.tracking._mlflow import import_mlflow

__all__ = [
    "input_example",
    "model_input",
    "model_signature",
    "predict_reviews",
    "records_from_input",
]

_TABLES: Final = ("people", "memberships", "relationships", "events", "coverage", "cases")

#: The example input logged with the model (two invented people, ids that are plainly not real).
INPUT_EXAMPLE_FILE: Final = Path(__file__).with_name("input_example.json")


def input_example() -> dict[str, Any]:
    """Return the records of one invented case, in the JSON form the served model takes.

    Returns
    -------
    dict
        The six tables as lists of rows (``{"column": value}``), dates as
        ISO 8601 strings, and ``snapshot_date``.

    Examples
    --------
    >>> example = input_example()
    >>> sorted(example)
    ['cases', 'coverage', 'events', 'memberships', 'people', 'relationships', 'snapshot_date']
    >>> example["cases"]
    [{'case_id': 'example-case', 'person_id': 'example-child', 'reference_date': '2023-11-12'}]
    """
    loaded: dict[str, Any] = json.loads(INPUT_EXAMPLE_FILE.read_text(encoding="utf-8"))
    return loaded


def model_signature() -> Any:
    """Return the review model's MLflow signature: six tables of rows in, reviews out.

    Each table is an array of rows, each row a mapping of column to value
    (the columns are checked by :func:`advisory.context.validate_records`,
    which reports every problem at once); ``snapshot_date`` is an optional
    ISO 8601 date. The output is one column, ``review``: one review as JSON
    per case.

    Returns
    -------
    mlflow.models.ModelSignature
    """
    schema = import_mlflow("mlflow.types.schema")
    signature = import_mlflow("mlflow.models").ModelSignature
    rows = schema.Array(schema.Map(schema.AnyType()))
    inputs = [schema.ColSpec(rows, name) for name in _TABLES]
    inputs.append(schema.ColSpec(schema.DataType.string, "snapshot_date", required=False))
    outputs = schema.Schema([schema.ColSpec(schema.DataType.string, "review")])
    return signature(inputs=schema.Schema(inputs), outputs=outputs)


def _table(name: str, value: object) -> pd.DataFrame:
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple) and all(isinstance(row, Mapping) for row in value):
        return pd.DataFrame([dict(row) for row in value])
    if isinstance(value, Mapping) and all(
        isinstance(column, list | tuple | np.ndarray) for column in value.values()
    ):
        return pd.DataFrame({str(k): list(v) for k, v in value.items()})
    raise InputError(
        f"The review model's {name!r} table must be a pandas DataFrame, a list of rows "
        f"({{'column': value}}) or a mapping of column to values; got {type(value).__name__}."
    )


def model_input(records: object) -> dict[str, Any]:
    """Turn records into the JSON form the logged review model takes (what a host posts).

    Parameters
    ----------
    records : records
        A mapping or object with the six tables (pandas DataFrames), such as
        :class:`advisory.datasets.MultiAgencyData` or the dict returned by
        :func:`advisory.context.read_records`; a ``snapshot_date`` is kept.

    Returns
    -------
    dict
        Each table as a list of rows, dates as ISO 8601 strings, missing
        values as ``None``; JSON-ready. ``mlflow.pyfunc.load_model(uri).predict``
        takes it, and so does ``mlflow models serve`` as ``{"inputs": ...}``.

    Examples
    --------
    >>> from advisory.datasets import make_multiagency
    >>> payload = model_input(make_multiagency(n_cases=1, seed=0))
    >>> payload["cases"][0]["reference_date"], payload["snapshot_date"]
    ('2023-11-12', '2026-06-30')
    """
    out: dict[str, Any] = {}
    for name in _TABLES:
        value = records.get(name) if isinstance(records, Mapping) else getattr(records, name, None)
        if value is None:
            raise InputError(
                f"The records have no {name!r} table; expected the tables {list(_TABLES)}."
            )
        table = _table(name, value)
        out[name] = json.loads(table.to_json(orient="records", date_format="iso", date_unit="s"))
        for column in table.columns:
            if pd.api.types.is_datetime64_any_dtype(table[column]):
                for row in out[name]:
                    if isinstance(row[column], str):
                        row[column] = row[column][:10]
    snapshot: Any = records.get("snapshot_date") if isinstance(records, Mapping) else None
    snapshot = getattr(records, "snapshot_date", snapshot)
    if snapshot is not None and not bool(pd.isna(snapshot)):
        out["snapshot_date"] = pd.Timestamp(snapshot).date().isoformat()
    return out


def records_from_input(model_input: object) -> dict[str, Any]:
    """Read the records of any accepted input form into a dict of DataFrames."""
    if isinstance(model_input, str | bytes):
        try:
            model_input = json.loads(model_input)
        except ValueError as exc:
            raise InputError(f"The review model's input is not valid JSON: {exc}") from None
        if isinstance(model_input, Mapping) and "inputs" in model_input:
            model_input = model_input["inputs"]
    if isinstance(model_input, pd.DataFrame):
        # MLflow turns a dict of tables into a one-row frame before a signed model sees it.
        if len(model_input) != 1 or not set(_TABLES) <= set(map(str, model_input.columns)):
            raise InputError(
                "The review model's input must be one mapping of the six record tables "
                f"{list(_TABLES)}; got a DataFrame with {len(model_input)} rows and columns "
                f"{list(map(str, model_input.columns))[:8]}. Pass a dict such as "
                "{'people': [...], ..., 'cases': [...]} (advisory.tracking.model_input)."
            )
        model_input = model_input.iloc[0].to_dict()
    if not isinstance(model_input, Mapping):
        raise InputError(
            "The review model's input must be a mapping of the six record tables "
            f"{list(_TABLES)} to pandas DataFrames or lists of rows; got "
            f"{type(model_input).__name__}. Pass a dict such as "
            "{'people': people, ..., 'cases': cases}."
        )
    missing = [t for t in _TABLES if model_input.get(t) is None]
    if missing:
        raise InputError(
            f"The review model's input is missing the record tables {missing} (each a pandas "
            f"DataFrame or a list of rows); it needs all of {list(_TABLES)}. Add them to the "
            "mapping."
        )
    records: dict[str, Any] = {name: _table(name, model_input[name]) for name in _TABLES}
    snapshot = model_input.get("snapshot_date")
    if isinstance(snapshot, np.ndarray):
        snapshot = snapshot.item() if snapshot.size == 1 else None
    if snapshot is not None and not (isinstance(snapshot, float) and np.isnan(snapshot)):
        records["snapshot_date"] = snapshot
    return records


def predict_reviews(advisor: Any, model_input: object) -> pd.Series:
    """Review every case of ``model_input`` and return the reviews as JSON strings.

    Parameters
    ----------
    advisor : Advisor
        A fitted advisor.
    model_input : mapping, str or pandas.DataFrame
        The records: a mapping with the six tables of
        :data:`advisory.context.SCHEMA` (``people``, ``memberships``,
        ``relationships``, ``events``, ``coverage``, ``cases``), each a pandas
        DataFrame or, as JSON sends them, a list of rows (``{"column":
        value}``, dates as ISO 8601 strings, see :func:`model_input`); and
        optionally ``snapshot_date`` (the date the records were extracted,
        stated in each review; default: the latest reference date among the
        cases). A JSON text of that mapping, and the one-row frame MLflow
        makes of it, are accepted too. Every case in ``cases`` is reviewed,
        in that table's order. The records are not stored anywhere.

    Returns
    -------
    pandas.Series
        Named ``"review"``, indexed by ``case_id``; each value is one review
        as JSON (``Review.to_json()``), which carries no score.

    Raises
    ------
    advisory.InputError
        If ``model_input`` is not a mapping of the six tables.
    """
    records = records_from_input(model_input)
    case_ids = [str(c) for c in records["cases"]["case_id"]]
    reviews = advisor.review(records, case_ids)
    return pd.Series(
        [r.to_json() for r in reviews],
        index=pd.Index(case_ids, name="case_id"),
        name="review",
        dtype=object,
    )
