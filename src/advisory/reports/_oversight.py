"""The board's oversight section: how prompts are used, and drift, as one HTML page."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from advisory._errors import ParameterError
from advisory._files import atomic_file

__all__ = ["render_oversight_html", "write_oversight_report"]

#: The files :func:`write_oversight_report` writes.
OVERSIGHT_FILES: Final = {"html": "oversight_report.html", "json": "oversight.json"}


def _as_dict(value: Any, name: str, owner: str) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        data = to_dict()
        if isinstance(data, dict):
            return data
    raise ParameterError(
        name, owner, "a result of advisory.oversight or its to_dict()", type(value).__name__
    )


def _pct(value: Any) -> str:
    return "" if value is None else f"{100 * float(value):.0f}%"


def _rate(row: Mapping[str, Any], verdict: str) -> str:
    if row.get("suppressed"):
        return "withheld (small group)"
    rate, low, high = (row.get(f"{verdict}_{k}") for k in ("rate", "low", "high"))
    if rate is None:
        return ""
    return f"{_pct(rate)} ({_pct(low)} to {_pct(high)})"


def _view(
    monitor: dict[str, Any], drift: dict[str, Any] | None, title: str | None
) -> dict[str, Any]:
    from advisory._version import __version__

    def rate_rows(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return [
            {
                "key": r[key],
                "n": "" if r.get("suppressed") else int(r["n"]),
                "agree": _rate(r, "agree"),
                "disagree": _rate(r, "disagree"),
                "not_relevant": _rate(r, "not_relevant"),
                "seconds": ""
                if r.get("suppressed") or r.get("seconds_median") is None
                else f"{r['seconds_median']:.0f} s",
            }
            for r in rows
        ]

    teams = [
        {
            "team": r["team"],
            "reviews": int(r["reviews"]),
            "own_view_first": f"{_pct(r['own_view_first_share'])} "
            f"({_pct(r['own_view_first_low'])} to {_pct(r['own_view_first_high'])})",
            "quick": f"{_pct(r['quick_agreement_share'])} "
            f"({_pct(r['quick_agreement_low'])} to {_pct(r['quick_agreement_high'])})",
            "seconds": f"{r['seconds_median']:.0f} s"
            if r.get("seconds_median") is not None
            else "",
            "agree": _rate(r, "agree"),
        }
        for r in monitor["by_team"]
    ]
    return {
        "title": title or "Oversight: how the review prompts are used",
        "generated_by": f"advisory {__version__}",
        "settings": monitor["settings"],
        "n_reviews": monitor["n_reviews"],
        "n_responses": monitor["n_responses"],
        "findings": monitor["findings"],
        "note": monitor["note"],
        "teams": teams,
        "prompts": rate_rows(monitor["by_prompt"], "prompt_id"),
        "months": rate_rows(monitor["by_month"], "month"),
        "groups": {a: rate_rows(rows, a) for a, rows in monitor["by_group"].items()},
        "reasons": monitor["reasons"],
        "drift": drift,
    }


def render_oversight_html(monitor: Any, *, drift: Any = None, title: str | None = None) -> str:
    """Render the board's oversight section as one self-contained HTML page.

    Parameters
    ----------
    monitor : advisory.oversight.OversightMonitor or mapping
        The monitor's result or its ``to_dict()``.
    drift : advisory.oversight.DriftCheck or mapping, optional
        A drift check or its ``to_dict()``.
    title : str, optional
        The page's title.

    Returns
    -------
    str
        HTML with inline CSS; no scripts, fonts or links.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import simulate_oversight
    >>> from advisory.oversight import Store, monitor, record_simulated
    >>> store = Store.open(f"sqlite:///{tempfile.mkdtemp()}/t.db")
    >>> _ = record_simulated(store, simulate_oversight(30, seed=0))
    >>> page = render_oversight_html(monitor(store))
    >>> page.startswith("<!DOCTYPE html>"), "not a judgement of any worker" in page
    (True, True)
    >>> store.close()
    """
    from advisory.reports._render import _environment

    data = _as_dict(monitor, "monitor", "render_oversight_html")
    checked = None if drift is None else _as_dict(drift, "drift", "render_oversight_html")
    template = _environment("html").get_template("oversight.html.j2")
    return template.render(**_view(data, checked, title)) + "\n"


def write_oversight_report(
    monitor: Any,
    folder: str | os.PathLike[str],
    *,
    drift: Any = None,
    title: str | None = None,
) -> dict[str, Path]:
    """Write ``oversight_report.html`` and ``oversight.json`` to ``folder`` (atomically).

    Parameters
    ----------
    monitor : advisory.oversight.OversightMonitor or mapping
        The monitor's result or its ``to_dict()``.
    folder : str or path-like
        Created if missing; files of the same names are replaced.
    drift : advisory.oversight.DriftCheck or mapping, optional
        A drift check or its ``to_dict()``.
    title : str, optional
        The page's title.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"html": ..., "json": ...}``.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import simulate_oversight
    >>> from advisory.oversight import Store, monitor, record_simulated
    >>> store = Store.open(f"sqlite:///{tempfile.mkdtemp()}/t.db")
    >>> _ = record_simulated(store, simulate_oversight(30, seed=0))
    >>> files = write_oversight_report(monitor(store), tempfile.mkdtemp())
    >>> sorted(files)
    ['html', 'json']
    >>> store.close()
    """
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ParameterError(
            "folder", "write_oversight_report", "a folder (existing or to be created)", str(path)
        )
    data = _as_dict(monitor, "monitor", "write_oversight_report")
    checked = None if drift is None else _as_dict(drift, "drift", "write_oversight_report")
    html = render_oversight_html(data, drift=checked, title=title)
    document = json.dumps({"oversight": data, "drift": checked}, indent=2, ensure_ascii=False)
    path.mkdir(parents=True, exist_ok=True)
    files = {role: path / name for role, name in OVERSIGHT_FILES.items()}
    for role, text in (("json", document + "\n"), ("html", html)):
        with atomic_file(files[role]) as out:
            out.write(text)
    return files
