"""One call that logs a fitted advisor's training run to MLflow."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import math
import os
import re
import tempfile
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from advisory._errors import InputError, ParameterError
from advisory._optional import import_optional
from advisory.tracking._errors import TrackingServerError
from advisory.tracking._mlflow import import_mlflow

if TYPE_CHECKING:
    from advisory._advisor import Advisor
    from advisory.fairness import Audit
    from advisory.models._validation import ValidationResult

__all__ = ["LoggedRun", "log_training_run"]

_MODEL_NAME: Final = "review_model"
_REQUIREMENTS: Final = ("mlflow", "skops", "scikit-learn", "pandas", "numpy", "scipy")
#: MLflow's HTTP settings while checking that a server answers: fail fast.
_PROBE_ENV: Final = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "5",
}


@dataclass(frozen=True, kw_only=True)
class LoggedRun:
    """Where :func:`log_training_run` put things.

    Attributes
    ----------
    run_id, experiment_id : str
        The MLflow run and its experiment.
    tracking_uri : str
        The tracking store used.
    artifact_uri : str
        Root of the run's artifacts.
    model_uri : str
        The logged pyfunc model, for ``mlflow.pyfunc.load_model``.
    registered_name : str or None
        Registered model name (``register_as``), if any.
    registered_version : str or None
        Version created in the registry, if registered.
    """

    run_id: str
    experiment_id: str
    tracking_uri: str
    artifact_uri: str
    model_uri: str
    registered_name: str | None = None
    registered_version: str | None = None

    def load_model(self) -> Any:
        """Load the logged pyfunc model from this run's tracking store.

        ``mlflow.pyfunc.load_model(run.model_uri)`` looks in MLflow's current
        tracking store; this loads from the store the run was logged to,
        whatever MLflow's global setting is, and leaves that setting as it was.

        Returns
        -------
        mlflow.pyfunc.PyFuncModel
            Its ``predict(records)`` returns one review (JSON) per case.
        """
        mlflow = import_optional("mlflow", "tracking", "Loading a logged model")
        with _tracking_uri(mlflow, self.tracking_uri):
            return mlflow.pyfunc.load_model(self.model_uri)


def _resolve_uri(tracking_uri: str | None) -> str:
    if tracking_uri is not None:
        if not isinstance(tracking_uri, str) or not tracking_uri.strip():
            raise ParameterError(
                "tracking_uri", "log_training_run", "a non-empty str or None", tracking_uri
            )
        return tracking_uri
    from_env = os.environ.get("MLFLOW_TRACKING_URI")
    if from_env:
        return from_env
    return f"sqlite:///{Path.cwd() / 'mlflow.db'}"


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _reason(exc: BaseException) -> str:
    text = str(exc)
    lowered = text.lower()
    status = re.search(r"error code (\d{3})", text)
    if status:
        return f"HTTP {status.group(1)} from its API: is it an MLflow server?"
    for needle, reason in (
        ("refused", "connection refused"),
        ("timed out", "timed out"),
        ("timeout", "timed out"),
        ("name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("unreachable", "network unreachable"),
    ):
        if needle in lowered:
            return reason
    first = text.splitlines()[0] if text else type(exc).__name__
    return first[:120]


def _check_reachable(mlflow: Any, uri: str) -> None:
    """Fail fast, with one line naming the URI and the fix, if a server does not answer."""
    if not uri.startswith(("http://", "https://")):
        return
    with _environment(_PROBE_ENV):
        try:
            mlflow.MlflowClient(tracking_uri=uri).search_experiments(max_results=1)
        except Exception as exc:
            raise TrackingServerError(uri, _reason(exc)) from None


@contextlib.contextmanager
def _tracking_uri(mlflow: Any, uri: str) -> Iterator[None]:
    # set_tracking_uri also sets MLFLOW_TRACKING_URI; None unsets both again.
    previous = mlflow.get_tracking_uri() if mlflow.tracking.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(previous)


def _artifact_location(uri: str) -> str | None:
    """Artifacts of a new experiment in a SQLite store: ``mlruns/`` beside the database.

    MLflow would otherwise put them in ``./mlruns`` under whatever folder the
    process runs in. Other stores keep MLflow's own default (None).
    """
    prefix = "sqlite:///"
    if not uri.startswith(prefix) or uri.endswith(":memory:"):
        return None
    return str(Path(uri.removeprefix(prefix)).resolve().parent / "mlruns")


def _metric_key(comparison: str, metric: str) -> str:
    name = re.sub(r"\s*-\s*", "_minus_", comparison.strip())
    return re.sub(r"[^0-9A-Za-z_.]+", "_", f"{name}.{metric}")


def _validation_metrics(validation: ValidationResult) -> dict[str, float]:
    metrics: dict[str, float] = {}
    rows: list[dict[Hashable, Any]] = validation.to_frame().to_dict("records")
    for row in rows:
        key = _metric_key(str(row["comparison"]), str(row["metric"]))
        for suffix, column in (("", "estimate"), ("_lower", "lower"), ("_upper", "upper")):
            number = float(row[column])
            if math.isfinite(number):  # the full table is logged as an artifact too
                metrics[key + suffix] = number
    return metrics


def _definition_files(advisor: Advisor) -> list[tuple[Path, str]]:
    definitions = advisor.definitions
    spec = definitions.spec
    wanted = [
        f"models/{spec.name}.toml",
        f"explain/{spec.catalogue}.toml",
        f"fairness/{spec.audit_policy}.toml",
    ]
    files = []
    for relative in wanted:
        path = Path(definitions.root) / relative
        if not path.is_file():
            raise InputError(
                f"The definition file {relative} is not in {definitions.root}, the folder this "
                "advisor's definitions were loaded from; the run logs the reviewed TOML texts. "
                "Run from a machine that has that folder, or reload the advisor with "
                "Advisor.from_definitions(<folder>)."
            )
        files.append((path, (PurePosixPath("definitions") / relative).parent.as_posix()))
    return files


def _requirements() -> list[str]:
    from advisory._version import __version__

    pins = [f"advisory=={__version__}"]
    for name in _REQUIREMENTS:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            pins.append(f"{name}=={importlib.metadata.version(name)}")
    return pins


def _global_plot(advisor: Advisor, data: object, folder: Path) -> tuple[Path, dict[str, float]]:
    figure_module = import_optional("matplotlib.figure", "explain", "The run's explanation plot")

    from advisory.context import build_context
    from advisory.explain import ExplanationDisplay, explain

    factors = build_context(
        data,
        advisor.definitions,
        lookback_days=advisor.lookback_days,
        stale_after_days=advisor.stale_after_days,
    ).factors
    explanation = explain(advisor.model_, factors)
    display = ExplanationDisplay.from_explanation(explanation)
    figure = figure_module.Figure(figsize=(6, 0.4 * len(display.names) + 1), layout="constrained")
    display.plot(ax=figure.add_subplot())
    path = folder / "global_importance.png"
    figure.savefig(path, format="png", dpi=100)
    importance = {str(k): float(v) for k, v in explanation.importance().items()}
    return path, importance


def log_training_run(
    advisor: Advisor,
    data: object,
    *,
    tracking_uri: str | None = None,
    experiment: str = "advisory",
    register_as: str | None = None,
    validation: ValidationResult | None = None,
    audit: Any = None,
) -> LoggedRun:
    """Log a fitted advisor's training run to MLflow, in one call.

    The run holds, and never a person or case identifier:

    - parameters: model family, the estimator's parameters (``model.<name>``),
      the number of training cases, the specification's name, the library
      version, the training snapshot date and the SHA-256 of each definition;
    - artifacts ``definitions/``: the three reviewed TOML files (model
      specification, factor catalogue, audit policy) as they are on disk;
    - with ``validation``: metrics ``<comparison>.<metric>`` with
      ``..._lower`` and ``..._upper`` (for example ``model.roc_auc``,
      ``model_minus_prevalence.roc_auc_lower``), and artifacts
      ``validation/metrics.json`` (every figure) and ``validation/verdicts.json``
      (the plain-language verdicts);
    - ``explanation/global_importance.png`` (mean absolute SHAP value per
      factor on ``data``) and ``explanation/global_importance.json``;
    - with ``audit``: the board report of :mod:`advisory.reports`
      (``audit/audit.json``, ``audit/audit_report.html``,
      ``audit/model_card.md``, small groups already suppressed) and metrics
      ``audit.n_cases``, ``audit.groups_reported``, ``audit.groups_suppressed``
      and ``audit.differences_with_evidence``;
    - ``bundle/``: the bundle written by :meth:`Advisor.save` (load it with
      :func:`advisory.load` without MLflow);
    - the pyfunc model ``review_model`` (:class:`~advisory.tracking.ReviewModel`),
      logged from code with the bundle as its artifact and explicit pip
      requirements, registered as ``register_as`` when given.

    Parameters
    ----------
    advisor : Advisor
        A fitted advisor.
    data : records
        Records the global explanation is computed on (usually the training
        records). Only aggregates over all cases are logged.
    tracking_uri : str, optional
        Where to log: an ``http://host:port`` tracking server, or a store URI
        such as ``sqlite:///path/mlflow.db``. Default: ``MLFLOW_TRACKING_URI``
        if set, otherwise the local store under the working folder that
        MLflow 3.17 uses by default, ``sqlite:///<cwd>/mlflow.db``. A new
        experiment in a SQLite store keeps its artifacts in ``mlruns/`` beside
        the database file, wherever the process runs.
    experiment : str, default="advisory"
        Experiment name; created if missing.
    register_as : str, optional
        Register the pyfunc model under this name.
    validation : advisory.models.ValidationResult, optional
        From :func:`advisory.models.validate`.
    audit : advisory.fairness.Audit, optional
        From :func:`advisory.fairness.audit` or :meth:`Advisor.audit`.

    Returns
    -------
    LoggedRun
        Where the run is: its id, experiment, tracking and artifact URIs, the
        pyfunc model's URI and, when registered, its name and version.

    Raises
    ------
    TrackingServerError
        If a tracking server URI does not answer (checked first, without retries).
    advisory.MissingExtraError
        If MLflow is not installed.

    Notes
    -----
    ``MLFLOW_DISABLE_TELEMETRY`` is set to ``true`` unless already set.
    The tracking URI is set for the duration of the call and then restored.

    Examples
    --------
    >>> from advisory.tracking import log_training_run
    >>> run = log_training_run(advisor, data, tracking_uri="sqlite:///mlflow.db")  # doctest: +SKIP
    >>> mlflow.pyfunc.load_model(run.model_uri).predict(records)  # doctest: +SKIP
    """
    advisor._check_fitted("log_training_run")
    owner = "log_training_run"
    if not isinstance(experiment, str) or not experiment.strip():
        raise ParameterError("experiment", owner, "a non-empty str", experiment)
    if register_as is not None and (not isinstance(register_as, str) or not register_as.strip()):
        raise ParameterError("register_as", owner, "a non-empty str or None", register_as)
    if audit is not None:
        from advisory.fairness import Audit

        if not isinstance(audit, Audit):
            raise ParameterError(
                "audit", owner, "None or an advisory.fairness.Audit", type(audit).__name__
            )
    if validation is not None and not hasattr(validation, "to_frame"):
        raise ParameterError(
            "validation", owner, "None or an advisory.models.ValidationResult", validation
        )
    uri = _resolve_uri(tracking_uri)
    mlflow = import_mlflow()
    from advisory._bundle import read_manifest
    from advisory._version import __version__
    from advisory.tracking._pyfunc import BUNDLE_ARTIFACT, MODEL_CODE

    _check_reachable(mlflow, uri)
    definition_files = _definition_files(advisor)
    spec = advisor.definitions.spec
    with tempfile.TemporaryDirectory(prefix="advisory-run-") as tmp, _tracking_uri(mlflow, uri):
        folder = Path(tmp)
        bundle = advisor.save(folder / "bundle")
        manifest = read_manifest(bundle)
        plot, importance = _global_plot(advisor, data, folder)
        code = folder / "review_model.py"
        code.write_text(MODEL_CODE, encoding="utf-8")

        client = mlflow.MlflowClient(tracking_uri=uri)
        found = client.get_experiment_by_name(experiment)
        experiment_id = (
            found.experiment_id
            if found is not None
            else client.create_experiment(experiment, artifact_location=_artifact_location(uri))
        )
        params: dict[str, object] = {
            "family": spec.family,
            "spec_name": spec.name,
            "n_cases": advisor.n_cases_,
            "advisory_version": __version__,
            "model_version": advisor.model_version_,
            "training_snapshot_date": advisor.training_snapshot_.isoformat(),
            **{
                f"definitions_sha256.{name}": digest
                for name, digest in manifest["definitions_sha256"].items()
            },
            **{
                f"model.{name}": str(value)[:6000]
                for name, value in advisor.model_.get_params(deep=False).items()
            },
        }
        with mlflow.start_run(
            experiment_id=experiment_id,
            run_name=spec.name,
            nested=mlflow.active_run() is not None,  # inside a caller's run: a child run
        ) as run:
            mlflow.set_tags({"advisory.spec": spec.name, "advisory.family": spec.family})
            mlflow.log_params(params)
            for path, artifact_path in definition_files:
                mlflow.log_artifact(str(path), artifact_path=artifact_path)
            if validation is not None:
                mlflow.log_params(
                    {
                        "validation.split": validation.split,
                        "validation.confidence": validation.confidence,
                        "validation.n_boot": validation.n_boot,
                        "validation.n_train": validation.n_train,
                        "validation.n_test": validation.n_test,
                    }
                )
                mlflow.log_metrics(_validation_metrics(validation))
                frame = validation.to_frame()
                mlflow.log_dict(
                    json.loads(frame.to_json(orient="records")), "validation/metrics.json"
                )
                mlflow.log_dict(dict(validation.verdicts), "validation/verdicts.json")
            mlflow.log_artifact(str(plot), artifact_path="explanation")
            mlflow.log_dict(importance, "explanation/global_importance.json")
            if audit is not None:
                _log_audit(mlflow, audit)
            mlflow.log_artifacts(str(bundle), artifact_path="bundle")
            info = mlflow.pyfunc.log_model(
                name=_MODEL_NAME,
                python_model=str(code),
                artifacts={BUNDLE_ARTIFACT: str(bundle)},
                pip_requirements=_requirements(),
                registered_model_name=register_as,
            )
        version = getattr(info, "registered_model_version", None)
        return LoggedRun(
            run_id=run.info.run_id,
            experiment_id=str(experiment_id),
            tracking_uri=uri,
            artifact_uri=run.info.artifact_uri,
            model_uri=info.model_uri,
            registered_name=register_as,
            registered_version=None if version is None else str(version),
        )


def _log_audit(mlflow: Any, audit: Audit) -> None:
    """Log the board report's three files and a few counts of the audit."""
    from advisory.reports import FILE_NAMES, audit_json, render_html, render_model_card

    mlflow.log_text(audit_json(audit), f"audit/{FILE_NAMES['json']}")
    mlflow.log_text(render_html(audit), f"audit/{FILE_NAMES['html']}")
    mlflow.log_text(render_model_card(audit), f"audit/{FILE_NAMES['model_card']}")
    groups = audit.to_frame().drop_duplicates(["attribute", "group"])
    hidden = int(groups["suppressed"].astype(bool).sum())
    mlflow.log_metrics(
        {
            "audit.n_cases": audit.n_cases,
            "audit.groups_reported": len(groups) - hidden,
            "audit.groups_suppressed": hidden,
            "audit.differences_with_evidence": len(audit.differences_with_evidence()),
        }
    )
