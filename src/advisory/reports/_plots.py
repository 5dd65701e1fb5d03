"""One chart per threshold-free metric: each group's estimate with its interval.

Charts are drawn on matplotlib's Agg canvas (no pyplot, no global state) and
embedded as base64 PNG ``data:`` URIs, so the report needs no other file.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import warnings
from typing import Any, Final

from advisory._optional import import_optional
from advisory.reports._words import level

__all__ = ["metric_chart"]

_ROW_INCHES: Final = 0.24
_WIDTH_INCHES: Final = 7.2
_DPI: Final = 96
_POINT: Final = "#1f4e79"
_REFERENCE: Final = "#8a3b12"
_MUTED: Final = "#5f5f5f"
#: Rough width of one character of a 10 pt label at _DPI, to size the left margin.
_CHAR_PX: Final = 7.4


def _plain(text: str) -> str:
    """Text for a matplotlib label: ``$`` would start mathtext."""
    return text.replace("$", r"\$")


def metric_chart(table: dict[str, Any], confidence: float) -> dict[str, str]:
    """Draw one metric's estimates and intervals by group.

    Parameters
    ----------
    table : dict
        One entry of the view's ``tables`` (rows with ``attribute``,
        ``group``, ``reference``, ``suppressed``, ``estimate``, ``interval``,
        and ``withheld`` where a measure was withheld).
    confidence : float
        Level of the intervals, for the axis label and the alt text.

    Returns
    -------
    dict
        ``uri`` (a ``data:image/png;base64,...`` URI) and ``alt`` (what the
        chart shows, in words).
    """
    keep = ("attribute", "group", "reference", "suppressed", "estimate", "interval")
    rows = [{**{k: r[k] for k in keep}, "withheld": bool(r.get("withheld"))} for r in table["rows"]]
    key = json.dumps([table["name"], table["percent"], rows, confidence])
    return dict(_chart(key))


@functools.lru_cache(maxsize=32)
def _chart(key: str) -> tuple[tuple[str, str], ...]:
    """Draw a chart once per content (a report and its JSON round trip share them)."""
    import_optional("matplotlib", "fairness", "The audit report's charts")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    name, percent, rows, confidence = json.loads(key)
    table = {"name": name, "percent": percent}
    labels: list[tuple[str, str]] = []  # (text, style)
    points: list[tuple[int, float, float, float, bool]] = []
    spans: list[tuple[int, int, float | None]] = []  # attribute rows and reference value
    y = 0
    for attribute in dict.fromkeys(r["attribute"] for r in rows):
        mine = [r for r in rows if r["attribute"] == attribute]
        labels.append((attribute, "attribute"))
        y += 1
        first, ref_value = y, None
        for r in mine:
            note = ""
            if r["suppressed"]:
                note = " (suppressed)"
            elif r["withheld"]:
                note = " (withheld)"
            elif r["estimate"] is None:
                note = " (not estimated)"
            elif r["reference"]:
                note = " (reference)"
            labels.append((f"{r['group']}{note}", "muted" if note and not r["reference"] else ""))
            if r["estimate"] is not None:
                lo, hi = r["interval"]
                points.append((y, r["estimate"], lo, hi, r["reference"]))
                if r["reference"]:
                    ref_value = r["estimate"]
            y += 1
        spans.append((first, y - 1, ref_value))
    scale = 100.0 if table["percent"] else 1.0
    height = 0.75 + _ROW_INCHES * len(labels)
    figure = Figure(figsize=(_WIDTH_INCHES, height), dpi=_DPI)
    FigureCanvasAgg(figure)
    widest = max(len(text) for text, _ in labels) * _CHAR_PX + 14
    figure.subplots_adjust(
        left=min(0.55, widest / (_WIDTH_INCHES * _DPI)),
        right=0.97,
        top=1 - 0.12 / height,
        bottom=0.55 / height,
    )
    ax = figure.add_subplot()
    for first, last, ref_value in spans:
        if ref_value is not None:
            ax.plot(
                [scale * ref_value] * 2,
                [first - 0.4, last + 0.4],
                color=_REFERENCE,
                linestyle=":",
                linewidth=1,
            )
    for yy, est, lo, hi, is_ref in points:
        ax.plot([scale * lo, scale * hi], [yy, yy], color=_POINT, linewidth=1.6)
        ax.plot(
            [scale * est],
            [yy],
            marker="D" if is_ref else "o",
            markersize=6,
            color=_REFERENCE if is_ref else _POINT,
            markerfacecolor="white" if is_ref else _POINT,
            markeredgewidth=1.5,
        )
    ax.set_yticks(range(len(labels)), [_plain(t) for t, _ in labels])
    for tick, (_, style) in zip(ax.get_yticklabels(), labels, strict=True):
        if style == "attribute":
            tick.set_fontweight("bold")
        elif style == "muted":
            tick.set_color(_MUTED)
            tick.set_fontstyle("italic")
    ax.set_ylim(len(labels) - 0.5, -0.5)
    unit = " (%)" if table["percent"] else ""
    ax.set_xlabel(_plain(f"{table['name']}{unit}, with {level(confidence)} intervals"))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if not points:
        ax.set_xticks([])
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # a group name in a script the bundled font lacks is drawn as boxes, not an error
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        figure.savefig(buffer, format="png", metadata={"Software": None})
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    n_attr = len(spans)
    n_shown = len(points)
    hidden = sum(1 for r in rows if r["suppressed"])
    blank = sum(1 for r in rows if not r["suppressed"] and r["estimate"] is None)
    alt = (
        f"Chart of {table['name']} by group: a dot for each group's estimate and a horizontal "
        f"bar for its {level(confidence)} interval, for {n_shown} group(s) in {n_attr} "
        "attribute(s). Each attribute's reference group is a hollow diamond, with a dotted "
        "line at its value."
    )
    if hidden:
        alt += f" {hidden} suppressed group(s) are listed without a dot."
    if blank:
        alt += f" {blank} group(s) that could not be estimated are listed without a dot."
    alt += " The table that follows gives the same numbers."
    return (("uri", uri), ("alt", alt))
