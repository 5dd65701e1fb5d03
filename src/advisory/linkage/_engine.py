"""splink behind a small interface: train, score pairs, and save the diagnostic charts.

One specification, two backends: DuckDB embedded (the default) and Spark.
splink, duckdb and pyspark are imported only here, and only when asked for.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from advisory._errors import InputError
from advisory._optional import import_optional
from advisory.linkage._spec import DERIVED_COLUMNS, LINKAGE_COLUMNS, Comparison, LinkageSpec

__all__ = ["Backend", "Scored", "local_spark_session", "score_pairs"]

Backend = Literal["duckdb", "spark"]
_SPLINK_COLUMNS: Final = ("record_uid", *LINKAGE_COLUMNS, *DERIVED_COLUMNS)


@dataclass(frozen=True, kw_only=True)
class Scored:
    """Scored pairs and the trained model.

    Attributes
    ----------
    pairs : pandas.DataFrame
        ``uid_l``, ``uid_r``, ``match_probability``, ``match_weight`` and one
        ``level_<comparison>`` column per comparison: ``"agree"``,
        ``"partly"``, ``"disagree"`` or ``"missing"``. Pairs at or above the
        specification's ``gap`` probability.
    model : dict
        splink's trained model (settings with m and u probabilities).
    charts : dict of str to dict
        Vega-Lite specifications of splink's diagnostic charts.
    chart_html : dict of str to str
        The same charts as HTML pages with splink's scripts inline (offline).
    """

    pairs: pd.DataFrame
    model: dict[str, Any]
    charts: dict[str, dict[str, Any]]
    chart_html: dict[str, str]


def _comparison(splink_cl: Any, comparison: Comparison, dialect: str) -> dict[str, Any]:
    columns = comparison.columns
    if comparison.kind == "forename_surname":
        creator = splink_cl.ForenameSurnameComparison(columns[0], columns[1])
    elif comparison.kind == "name":
        creator = splink_cl.NameComparison(columns[0])
    elif comparison.kind == "date_of_birth":
        creator = splink_cl.DateOfBirthComparison(columns[0], input_is_string=False)
    elif comparison.kind == "postcode":
        creator = splink_cl.PostcodeComparison(columns[0])
    else:
        creator = splink_cl.ExactMatch(columns[0])
    out: dict[str, Any] = creator.create_comparison_dict(dialect)
    out["output_column_name"] = comparison.name
    out["comparison_description"] = comparison.description
    return out


def _rule(columns: tuple[str, ...]) -> str:
    return " and ".join(f"l.{c} = r.{c}" for c in columns)


def _settings(spec: LinkageSpec, dialect: str) -> dict[str, Any]:
    splink_cl = import_optional("splink.comparison_library", "linkage", "Linking people")
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_uid",
        "comparisons": [_comparison(splink_cl, c, dialect) for c in spec.comparisons],
        "blocking_rules_to_generate_predictions": [_rule(r) for r in spec.blocking],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
    }


def _levels(model: dict[str, Any], pairs: pd.DataFrame, spec: LinkageSpec) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "uid_l": pairs["record_uid_l"].astype(str).to_numpy(),
            "uid_r": pairs["record_uid_r"].astype(str).to_numpy(),
            "match_probability": pairs["match_probability"].to_numpy(dtype=float),
            "match_weight": pairs["match_weight"].to_numpy(dtype=float),
        }
    )
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    for comparison in spec.comparisons:
        # splink 5 keeps each comparison's partial match weight (mw_<name>), not its
        # level: the level is the one whose log2(m/u) that weight is
        levels = [
            lv
            for lv in by_name[comparison.name]["comparison_levels"]
            if not lv.get("is_null_level")
        ]
        weights = np.array(
            [
                np.log2(lv.get("m_probability", np.nan) / lv.get("u_probability", np.nan))
                for lv in levels
            ]
        )
        names = np.array(["agree"] + ["partly"] * (len(levels) - 2) + ["disagree"], dtype=object)
        mw = pairs[f"mw_{comparison.name}"].to_numpy(dtype=float)
        distance = np.abs(mw[:, None] - weights[None, :])
        nearest = np.nanargmin(np.where(np.isnan(distance), np.inf, distance), axis=1)
        close = np.take_along_axis(distance, nearest[:, None], axis=1)[:, 0] < 1e-6
        out[f"level_{comparison.name}"] = np.where(close, names[nearest], "missing")
    return out


def _jar() -> str:
    jars = import_optional("splink.backends.spark", "spark", "Linking people on Spark")
    return str(jars.similarity_jar_location())


def local_spark_session(*, cores: int = 2, memory: str = "2g") -> Any:
    """Start a local-mode SparkSession for linkage (with splink's string-similarity jar).

    Parameters
    ----------
    cores : int, default 2
        Local cores (``local[cores]``).
    memory : str, default "2g"
        Driver memory.

    Returns
    -------
    pyspark.sql.SparkSession
        The session (an existing one is reused, as ``getOrCreate`` does).

    Examples
    --------
    Starting a JVM takes seconds and needs Java 17, so this is not run here
    (``tests/linkage/test_spark.py`` runs it):

    >>> from advisory.linkage import link_extracts
    >>> spark = local_spark_session()  # doctest: +SKIP
    >>> link_extracts(extracts, backend="spark", spark=spark)  # doctest: +SKIP
    """
    sql = import_optional("pyspark.sql", "spark", "Linking people on Spark")
    warehouse = tempfile.mkdtemp(prefix="advisory-spark-warehouse-")
    return (
        sql.SparkSession.builder.master(f"local[{cores}]")
        .appName("advisory-linkage")
        .config("spark.jars", _jar())
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(4 * cores))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", warehouse)
        .getOrCreate()
    )


def _session(backend: Backend, spark: Any) -> tuple[Any, str]:
    if backend == "duckdb":
        import_optional("duckdb", "linkage", "Linking people on DuckDB")
        splink = import_optional("splink", "linkage", "Linking people")
        return splink.DuckDBAPI(), "duckdb"
    import_optional("pyspark", "spark", "Linking people on Spark")
    splink = import_optional("splink", "linkage", "Linking people")
    if spark is None:
        raise InputError(
            "The Spark backend needs a SparkSession: pass spark=local_spark_session() or a "
            "session whose spark.jars include splink's similarity jar."
        )
    if "scala-udf-similarity" not in spark.conf.get("spark.jars", ""):
        raise InputError(
            "The SparkSession has not loaded splink's string-similarity functions; create it with "
            "advisory.linkage.local_spark_session(), or add "
            f"spark.jars={_jar()} to its configuration."
        )
    return splink.SparkAPI(spark_session=spark, break_lineage_method="persist"), "spark"


def score_pairs(
    records: pd.DataFrame,
    spec: LinkageSpec,
    *,
    backend: Backend = "duckdb",
    spark: Any = None,
    model: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Scored:
    """Train splink's model on the records and score the pairs the blocking rules bring together.

    u probabilities by random sampling, the prior from the specification's
    deterministic rules, m probabilities by expectation-maximisation, then
    prediction; pairs below the ``gap`` probability are not returned. With
    ``model`` (a trained model from an earlier run, e.g. on another backend)
    training is skipped and the pairs are scored with it.
    """
    say = progress or (lambda _message: None)
    splink = import_optional("splink", "linkage", "Linking people")
    db_api, dialect = _session(backend, spark)
    table = records[list(_SPLINK_COLUMNS)].copy()
    table["birth_year"] = table["birth_year"].astype("float64")
    logging.getLogger("splink").setLevel(logging.ERROR)
    if backend == "spark":
        frame = spark.createDataFrame(table.astype(object).where(table.notna(), None))
        registered = db_api.register(frame, dataset_display_name="agency_records")
    else:
        registered = db_api.register(table, dataset_display_name="agency_records")
    if model is not None:
        _check_model(model, spec)
        linker = splink.Linker(
            registered, _with_parameters(_settings(spec, dialect), model), log_level=logging.ERROR
        )
    else:
        linker = splink.Linker(registered, _settings(spec, dialect), log_level=logging.ERROR)
        _train(linker, splink, spec, say)
    say("scoring the pairs the blocking rules bring together")
    predicted = linker.inference.predict(threshold_match_probability=spec.gap, warning_mode="never")
    raw = predicted.as_pandas_dataframe()
    # one order whatever the backend: later steps break ties by position
    swap = raw["record_uid_l"].astype(str) > raw["record_uid_r"].astype(str)
    if swap.any():
        raw.loc[swap, ["record_uid_l", "record_uid_r"]] = raw.loc[
            swap, ["record_uid_r", "record_uid_l"]
        ].to_numpy()
    raw = raw.sort_values(["record_uid_l", "record_uid_r"], kind="stable").reset_index(drop=True)
    model = linker.misc.save_model_to_json(out_path=None)
    charts: dict[str, dict[str, Any]] = {}
    html: dict[str, str] = {}
    for name, chart in (
        ("match_weights", linker.visualisations.match_weights_chart()),
        ("m_u_parameters", linker.visualisations.m_u_parameters_chart()),
    ):
        charts[name] = json.loads(json.dumps(chart.chart_dict, default=str))
        html[name] = chart.to_html(inline=True)
    return Scored(pairs=_levels(model, raw, spec), model=model, charts=charts, chart_html=html)


def _train(linker: Any, splink: Any, spec: LinkageSpec, say: Callable[[str], None]) -> None:
    say("training: u probabilities by random sampling")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=float(spec.u_max_pairs), seed=spec.seed
    )
    say("training: the share of pairs that match, from the deterministic rules")
    linker.training.estimate_probability_two_random_records_match(
        [_rule(r) for r in spec.prior_rules], recall=spec.prior_recall
    )
    for rule in spec.em_blocking:
        say(f"training: m probabilities by expectation-maximisation on {', '.join(rule)}")
        linker.training.estimate_parameters_using_expectation_maximisation(
            splink.block_on(*rule),
            estimate_without_term_frequencies=True,
            max_pairs=float(spec.em_max_pairs),
        )


def _with_parameters(settings: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """Return this dialect's settings with a trained model's m and u probabilities."""
    out = dict(settings)
    out["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    comparisons = []
    for mine, trained in zip(settings["comparisons"], model["comparisons"], strict=True):
        levels = []
        for level, fitted in zip(
            mine["comparison_levels"], trained["comparison_levels"], strict=True
        ):
            level = dict(level)
            for key in ("m_probability", "u_probability"):
                if key in fitted:
                    level[key] = fitted[key]
            levels.append(level)
        comparisons.append({**mine, "comparison_levels": levels})
    out["comparisons"] = comparisons
    return out


def _check_model(model: dict[str, Any], spec: LinkageSpec) -> None:
    """Check a trained model holds the specification's comparisons and blocking rules."""
    if not isinstance(model, dict) or "comparisons" not in model:
        raise InputError(
            "The 'model' parameter must be a trained splink model (the dict in "
            f"diagnostics/model.json); got {type(model).__name__} without 'comparisons'."
        )
    names = [c.get("output_column_name") for c in model["comparisons"]]
    wanted = [c.name for c in spec.comparisons]
    if names != wanted:
        raise InputError(
            f"The trained model compares {names}, but the specification {spec.source} compares "
            f"{wanted}; train a model with this specification."
        )
    rules = [
        r.get("blocking_rule", r) if isinstance(r, dict) else r
        for r in model.get("blocking_rules_to_generate_predictions", [])
    ]
    if [str(r) for r in rules] != [_rule(r) for r in spec.blocking]:
        raise InputError(
            f"The trained model's blocking rules differ from those of {spec.source}; train a "
            "model with this specification."
        )


def save_diagnostics(scored: Scored, folder: Path) -> list[Path]:
    """Write the model and the charts (Vega-Lite JSON, and HTML with its scripts inline)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "model.json"]
    written[0].write_text(json.dumps(scored.model, indent=2, default=str), encoding="utf-8")
    for name, spec in scored.charts.items():
        path = folder / f"{name}.vl.json"
        path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
        page = folder / f"{name}.html"
        page.write_text(scored.chart_html[name], encoding="utf-8")
        written += [path, page]
    return written
