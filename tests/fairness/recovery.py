"""An attacker's tools: work out withheld counts from what an audit publishes.

Written apart from :mod:`advisory.fairness._suppression` (no code shared), so
the tests that use it check the suppression rather than restate it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

Table = dict[tuple[str, ...], float | None]  # key -> published count, None if withheld
Published = dict[tuple[str, ...], Table]  # attributes -> table


def published_counts(doc: Mapping[str, Any]) -> dict[str, Published]:
    """Every count an audit dict reveals, by layer: cases, positives, true positives.

    Counts come from the group sizes and the rates published with them
    (positives = observed rate x n; true positives = n x selection rate x
    precision), rounded to whole children as an attacker would.
    """
    layers: dict[str, Published] = {"n": {}, "pos": {}, "tp": {}}
    for g in doc["groups"]:
        attributes = tuple(str(g["attribute"]).split(" x "))
        key = tuple(str(g["group"]).split(" & "))
        values: dict[str, float | None] = {"n": None, "pos": None, "tp": None}
        if not g["suppressed"]:
            n = g["n"]
            values["n"] = n
            m = g["metrics"]
            rate = m.get("observed_rate", {}).get("estimate")
            if rate is not None:
                values["pos"] = round(rate * n)
            sel, precision = (m.get(k, {}).get("estimate") for k in ("selection_rate", "precision"))
            if sel is not None and precision is not None:
                values["tp"] = round(sel * n * precision)
        for layer, value in values.items():
            layers[layer].setdefault(attributes, {})[key] = value
    # sections that publish group sizes of their own (proxies) must agree with the groups
    for entry in doc.get("proxies") or ():
        if not entry["suppressed"]:
            table = layers["n"].setdefault((str(entry["attribute"]),), {})
            key = (str(entry["group"]),)
            if table.get(key) is None:
                table[key] = entry["n"]  # a count the main table withheld
    return layers


def _lines(tables: Published) -> list[tuple[list[tuple[Any, ...]], tuple[Any, ...] | None]]:
    """(cells of a line, its margin cell or None for the grand total), in every direction."""
    out = []
    for attributes, table in tables.items():
        for axis in range(len(attributes)):
            rest = attributes[:axis] + attributes[axis + 1 :]
            margin_table = next((a for a in tables if set(a) == set(rest)), None) if rest else None
            if rest and margin_table is None:
                continue
            lines: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for key in table:
                lines.setdefault(key[:axis] + key[axis + 1 :], []).append((attributes, key))
            for rest_key, cells in lines.items():
                margin = None
                if rest and margin_table is not None:
                    value = dict(zip(rest, rest_key, strict=True))
                    margin = (margin_table, tuple(value[a] for a in margin_table))
                out.append((cells, margin))
    return out


def subtract_margins(tables: Published, total: float) -> dict[tuple[Any, ...], float]:
    """Margin minus published cells along every line of every table, repeated until
    nothing new comes out; returns every withheld cell worked out this way."""
    known = {(a, k): v for a, t in tables.items() for k, v in t.items() if v is not None}
    found: dict[tuple[Any, ...], float] = {}
    lines = _lines(tables)
    changed = True
    while changed:
        changed = False
        for cells, margin in lines:
            everything = [*cells, margin] if margin is not None else cells
            unknown = [c for c in everything if c not in known]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            line_sum = sum(known[c] for c in cells if c in known)
            top = total if margin is None else known.get(margin)
            value = line_sum if cell == margin else (top or 0) - line_sum
            known[cell] = found[cell] = value
            changed = True
    return found


def solve_exactly(tables: Published, total: float) -> dict[tuple[Any, ...], float]:
    """Withheld cells fixed by the published equations in any linear combination."""
    cells = [(a, k) for a, t in tables.items() for k, v in t.items() if v is None]
    if not cells:
        return {}
    column = {c: j for j, c in enumerate(cells)}
    rows, rhs = [], []
    for line, margin in _lines(tables):
        coef = np.zeros(len(cells))
        b = total if margin is None else 0.0
        for c in line:
            if c in column:
                coef[column[c]] += 1
            else:
                b -= tables[c[0]][c[1]] or 0.0
        if margin is not None:
            if margin in column:
                coef[column[margin]] -= 1
            else:
                b += tables[margin[0]][margin[1]] or 0.0
        rows.append(coef)
        rhs.append(b)
    a = np.array(rows)
    solution, *_ = np.linalg.lstsq(a, np.array(rhs), rcond=None)
    _, s, vt = np.linalg.svd(a)
    rank = int(np.sum(s > 1e-9 * max(1.0, float(s[0]))))
    null = vt[rank:]
    out = {}
    for c, j in column.items():
        if not len(null) or np.linalg.norm(null[:, j]) < 1e-9:
            out[c] = float(round(solution[j]))
    return out


def grand_totals(y: np.ndarray, predictions: np.ndarray | None) -> dict[str, float]:
    """What an attacker is assumed to know: every grand total."""
    out = {"n": float(len(y)), "pos": float(np.sum(y))}
    if predictions is not None:
        out["tp"] = float(np.sum(y * predictions))
    return out


def every_group(*values: list[str]) -> list[tuple[str, ...]]:
    """All combinations of the given groups."""
    return list(itertools.product(*values))
