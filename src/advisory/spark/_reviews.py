"""Reviews on Spark: the fitted model travels to the workers as its skops bundle."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from advisory._checks import check_int
from advisory._errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["reviews_on_spark"]

_OWNER: Final = "reviews_on_spark"
_MANIFEST: Final = "manifest.json"


class _LoadedBundle:
    """The bundle a Python worker loaded last, kept while its checksum is the same.

    A worker process runs many groups; loading the bundle once per process
    (not once per group) keeps the skops checks without their cost per group.
    """

    key: str | None = None
    value: Any = None

    @classmethod
    def get(cls, files: dict[str, bytes], trusted: list[str]) -> Any:
        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode() + b"\0" + files[name])
        key = digest.hexdigest() + repr(trusted)
        if cls.key != key:
            from advisory import Advisor

            with tempfile.TemporaryDirectory() as folder:
                for name, payload in files.items():
                    (Path(folder) / name).write_bytes(payload)
                cls.value = Advisor.load(folder, trusted=trusted)
            cls.key = key
        return cls.value


def _bundle_files(bundle: str | os.PathLike[str]) -> dict[str, bytes]:
    folder = Path(bundle)
    manifest_file = folder / _MANIFEST
    if not manifest_file.is_file():
        raise InputError(
            f"{folder} is not a model bundle: expected a folder with {_MANIFEST}, "
            "written by Advisor.save(path)."
        )
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    model_file = folder / str(manifest.get("model_file", "advisor.skops"))
    if not model_file.is_file():
        raise InputError(f"The bundle {folder} has no {model_file.name}; it is incomplete.")
    return {_MANIFEST: manifest_file.read_bytes(), model_file.name: model_file.read_bytes()}


def reviews_on_spark(
    data: object,
    bundle: str | os.PathLike[str],
    *,
    trusted: Iterable[str] = (),
    n_groups: int | None = None,
    check_all: bool = True,
) -> Any:
    """Review every case of records held as Spark DataFrames, as review JSON.

    The bundle is checked and loaded on the driver first (so an altered file
    or an unreviewed type fails before any Spark job), then its files are
    broadcast; each Python worker loads it once with the same checks
    (:func:`advisory.load`) and reviews its groups of households with the
    library's own code, so each review equals the one
    ``Advisor.review_dicts`` gives on one machine.

    Parameters
    ----------
    data : mapping or object
        The six record tables as Spark DataFrames, as for
        :func:`advisory.spark.context_on_spark`.
    bundle : str or os.PathLike
        A model bundle folder written by :meth:`advisory.Advisor.save`.
    trusted : iterable of str, optional
        Extra types to trust when loading the bundle (see :func:`advisory.load`).
    n_groups : int, optional
        Number of household groups (default: one per 20,000 cases).
    check_all : bool, default=True
        Refuse unknown people and duplicate ids over all rows first.

    Returns
    -------
    pyspark.sql.DataFrame
        ``case_id`` and ``review`` (the review as JSON text, following
        ``review.schema.json``), one row per case. Nothing is computed until
        it is used.

    Raises
    ------
    advisory.InputError, advisory.BundleError, advisory.UntrustedTypesError
        For unusable tables (before any Spark job) or an unusable bundle.

    Examples
    --------
    Not run here (it needs a Spark session; ``tests/spark`` runs it):

    >>> reviews = reviews_on_spark(tables, "bundle/")  # doctest: +SKIP
    >>> reviews.write.json("reviews/")  # doctest: +SKIP
    """
    from advisory import Advisor
    from advisory.spark._context import group_index, prepare, run_groups
    from advisory.spark._tables import check_spark_tables

    if n_groups is not None:
        n_groups = check_int(n_groups, "n_groups", _OWNER, minimum=1)
    trusted_list = sorted({str(t) for t in trusted})
    advisor = Advisor.load(bundle, trusted=trusted_list)
    files = _bundle_files(bundle)
    records = check_spark_tables(data)
    lookback_days, stale_after_days = advisor.lookback_days, advisor.stale_after_days
    grouped, layout, summary = prepare(records, n_groups=n_groups, check_all=check_all)
    snapshot_date = records.snapshot_date
    shared = grouped.sparkSession.sparkContext.broadcast(files)

    def work(tables: dict[str, pd.DataFrame], case_row: dict[str, int]) -> pa.Table:
        import pyarrow as pa

        reviewer = _LoadedBundle.get(shared.value, trusted_list)
        index = group_index(
            tables,
            reviewer.definitions,
            summary,
            snapshot_date=snapshot_date,
            lookback_days=lookback_days,
            stale_after_days=stale_after_days,
        )
        case_ids = [str(c) for c in tables["cases"]["case_id"]]
        dicts = reviewer.review_dicts(index, case_ids)
        reviews = [json.dumps(d, ensure_ascii=False) for d in dicts]
        return pa.table(
            {"case_id": pa.array(case_ids, pa.string()), "review": pa.array(reviews, pa.string())}
        )

    def compute(batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        return pa.concat_tables(run_groups(iter([batch]), layout, work))

    return grouped.groupBy("_group").applyInArrow(compute, schema="case_id string, review string")
