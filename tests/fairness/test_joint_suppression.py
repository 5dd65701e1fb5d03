"""Withheld numbers stay withheld: small denominators, zeros, and every linked table."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisory._bootstrap import proportion_interval
from advisory.fairness import audit
from advisory.fairness._suppression import CountTable, recoverable, suppress, suppress_jointly

from .recovery import grand_totals, published_counts, solve_exactly, subtract_margins


def _issue_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Groups A-D by sex, with C small (5 cases, 3 of them positive), as in the issue."""
    rng = np.random.default_rng(seed)
    sizes = {("A", "F"): 400, ("A", "M"): 380, ("B", "F"): 60, ("B", "M"): 55}
    sizes |= {("C", "F"): 2, ("C", "M"): 3, ("D", "F"): 90, ("D", "M"): 70}
    eth = [e for (e, _), k in sizes.items() for _ in range(k)]
    sex = [s for (_, s), k in sizes.items() for _ in range(k)]
    n = len(eth)
    scores = rng.uniform(0.05, 0.95, n)
    y = (rng.uniform(size=n) < scores).astype(int)
    c = np.array(eth) == "C"
    y[c] = [1, 0, 1, 1, 0]
    predictions = (scores > 0.5).astype(int)
    return y, scores, predictions, pd.DataFrame({"ethnicity": eth, "sex": sex})


def _cells(groups: pd.DataFrame, columns: list[str]) -> dict[tuple[str, ...], np.ndarray]:
    keys = list(zip(*(groups[c].astype(str) for c in columns), strict=True))
    out: dict[tuple[str, ...], list[int]] = {}
    for i, key in enumerate(keys):
        out.setdefault(key, []).append(i)
    return {k: np.array(v) for k, v in out.items()}


Cell = tuple[tuple[str, ...], tuple[str, ...]]


def _true_counts(
    y: np.ndarray, q: np.ndarray | None, groups: pd.DataFrame
) -> dict[str, dict[Cell, float]]:
    out: dict[str, dict[Cell, float]] = {"n": {}, "pos": {}, "tp": {}}
    for columns in (["ethnicity"], ["sex"], ["ethnicity", "sex"]):
        for key, r in _cells(groups, columns).items():
            cell = (tuple(columns), key)
            out["n"][cell] = float(len(r))
            out["pos"][cell] = float(y[r].sum())
            if q is not None:
                out["tp"][cell] = float((y[r] * q[r]).sum())
    return out


def _recovered(
    doc: dict[str, Any], y: np.ndarray, q: np.ndarray | None, groups: pd.DataFrame
) -> list[tuple[Any, ...]]:
    """Withheld cells whose true count an attacker gets exactly, by either attack."""
    truth = _true_counts(y, q, groups)
    totals = grand_totals(y, q)
    hits = []
    for layer, tables in published_counts(doc).items():
        if layer not in totals:
            continue
        for attack in (subtract_margins, solve_exactly):
            for cell, value in attack(tables, totals[layer]).items():
                if truth[layer].get(cell) == value:
                    hits.append((layer, attack.__name__, cell, value))
    return hits


def test_the_issues_recovery_attack_finds_nothing() -> None:
    y, scores, q, groups = _issue_data()
    result = audit(
        y, scores, groups, predictions=q, n_boot=20, intersections=[["ethnicity", "sex"]]
    )
    doc = result.to_dict()
    assert ("ethnicity", "C") in result.suppressed_groups
    assert _recovered(doc, y, q, groups) == []
    # the report's JSON is the same document
    assert _recovered(json.loads(result.to_json()), y, q, groups) == []


def test_the_attack_does_find_cells_when_tables_are_suppressed_one_by_one() -> None:
    """The attack is real: per-table suppression (as before) leaks the small group."""
    y, _, _, groups = _issue_data()
    doc: dict[str, Any] = {"groups": []}
    for columns in (["ethnicity"], ["sex"], ["ethnicity", "sex"]):
        cells = {}
        for key, r in _cells(groups, columns).items():
            cells[key] = (len(r), int(y[r].sum()))
        hidden = suppress(cells, 10)
        for key, (n, pos) in cells.items():
            entry = {"attribute": " x ".join(columns), "group": " & ".join(key)}
            if key in hidden:
                doc["groups"].append({**entry, "suppressed": True})
            else:
                rate = {"estimate": pos / n, "interval": [0, 1], "kind": "threshold-free"}
                doc["groups"].append(
                    {**entry, "suppressed": False, "n": n, "metrics": {"observed_rate": rate}}
                )
    hits = _recovered(doc, y, None, groups)
    assert (("ethnicity",), ("C",)) in {cell for _, _, cell, _ in hits}
    assert len(hits) >= 4


@pytest.mark.parametrize("seed", range(6))
def test_random_audits_leak_nothing(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 900
    groups = pd.DataFrame(
        {
            "ethnicity": rng.choice(list("ABCDE"), n, p=[0.6, 0.2, 0.1, 0.07, 0.03]),
            "sex": rng.choice(["F", "M"], n),
            "band": rng.choice(["0-4", "5-9", "10-15"], n, p=[0.5, 0.35, 0.15]),
        }
    )
    scores = rng.beta(2, 4, n)
    y = (rng.uniform(size=n) < scores).astype(int)
    q = (scores > 0.45).astype(int)
    result = audit(
        y,
        scores,
        groups,
        predictions=q,
        n_boot=20,
        intersections=[["ethnicity", "sex"], ["ethnicity", "band"], ["sex", "band"]],
    )
    doc = result.to_dict()
    assert any(g["suppressed"] for g in doc["groups"])
    assert _recovered(doc, y, q, groups) == []


def test_a_small_groups_zero_false_negative_rate_is_withheld_not_certain() -> None:
    """The issue's group of 11 whose few positives were all flagged."""
    rng = np.random.default_rng(2)
    n = 600
    sex = np.array(["F"] * 300 + ["M"] * 289 + ["X"] * 11)
    scores = rng.uniform(size=n)
    y = (rng.uniform(size=n) < scores).astype(int)
    q = (scores > 0.5).astype(int)
    small = sex == "X"
    y[small] = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    q[small] = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    result = audit(y, sensitive_features=pd.Series(sex, name="sex"), predictions=q)
    fnr = result.by_group("false_negative_rate").loc["sex"]
    assert fnr.loc["X", "withheld"] or fnr.loc["X", "suppressed"]
    assert fnr[["estimate", "lower"]].loc["X"].isna().all()
    # X's 3 positives are withheld, so one other group's positives go too (or the
    # margin would give X's); the other keeps its rate with an honest interval
    shown = fnr.loc[["F", "M"]][~fnr.loc[["F", "M"], "withheld"].astype(bool)]
    assert len(shown) == 1
    assert (shown["lower"] < shown["estimate"]).all() and (shown["estimate"] < shown["upper"]).all()


def test_rate_withheld_by_its_own_denominator() -> None:
    """A group of 200 with 6 negatives: its false positive rate is withheld, its size is not."""
    rng = np.random.default_rng(4)
    area = np.array(["North"] * 400 + ["South"] * 400 + ["East"] * 200)
    scores = rng.uniform(size=1000)
    y = (rng.uniform(size=1000) < 0.4).astype(int)
    east = area == "East"
    y[east] = 1
    y[np.flatnonzero(east)[:6]] = 0
    q = (scores > 0.5).astype(int)
    result = audit(y, sensitive_features=pd.Series(area, name="area"), predictions=q)
    table = result.to_frame().set_index(["group", "metric"])
    assert table.loc[("East", "false_positive_rate"), "withheld"]
    assert table.loc[("East", "observed_rate"), "withheld"]  # 6 negatives: its complement
    assert table.loc[("East", "observed_rate"), "n"] == 200
    # one other group goes too (secondary suppression), so East cannot be worked out
    others = table.loc[[("North", "false_positive_rate"), ("South", "false_positive_rate")]]
    assert others["withheld"].astype(bool).tolist() in ([True, False], [False, True])


def test_rate_intervals_never_collapse_at_zero_or_one() -> None:
    rng = np.random.default_rng(0)
    group = np.array(["A"] * 500 + ["B"] * 500)
    y = (rng.uniform(size=1000) < 0.3).astype(int)
    q = ((rng.uniform(size=1000) < 0.5) | (y == 1)).astype(int)  # precision < 1, FNR 0
    q[(y == 1) & (np.arange(1000) % 40 == 0)] = 0  # a few misses: FNR near 0
    result = audit(y, sensitive_features=pd.Series(group, name="g"), predictions=q, min_cell_size=1)
    a = group == "A"
    expected = proportion_interval(int(y[a].sum()), int(a.sum()), result.confidence)
    rates = result.by_group("observed_rate").reset_index()
    row = rates[rates["group"] == "A"][["lower", "upper"]]
    assert row.to_numpy().tolist() == [[float(expected[0]), float(expected[1])]]
    for metric in result.metrics:
        rows = result.by_group(metric)
        assert (rows["upper"] - rows["lower"] > 0.005).all(), metric
        assert ((rows["lower"] <= rows["estimate"]) & (rows["estimate"] <= rows["upper"])).all()


def test_joint_suppression_over_a_list_of_tables_takes_new_sections() -> None:
    """A section's own table over the same groups joins the joint suppression."""
    sex = CountTable(("sex",), {("F",): 500, ("M",): 480})
    eth = CountTable(("eth",), {("A",): 900, ("B",): 74, ("C",): 6}, frozenset({("C",)}))
    cross = CountTable(
        ("eth", "sex"),
        {("A", "F"): 460, ("A", "M"): 440, ("B", "F"): 37, ("B", "M"): 37, ("C", "F"): 3,
         ("C", "M"): 3},
        frozenset({("C", "F"), ("C", "M")}),
    )  # fmt: skip
    linkage = CountTable(("eth",), {("A",): 900, ("B",): 74, ("C",): 6}, frozenset())
    other = CountTable(("eth",), {("A",): 50, ("B",): 40, ("C",): 1}, population="records")
    tables = [sex, eth, cross, linkage, other]
    hidden = suppress_jointly(tables)
    assert hidden[3] == hidden[1] and ("C",) in hidden[3]  # the section hides what the audit hides
    assert hidden[4] == set()  # another population is not a margin of these
    assert recoverable(tables, hidden) == []
    assert len(hidden[2]) >= 4  # a 2 x 2 block at least, so no line has one unknown


def test_margins_stay_published_when_an_intersection_cell_is_small() -> None:
    # a two-group attribute crossed with a many-group one, one small intersection cell:
    # withholding intersection cells protects it; withholding the margin 'yes' would
    # force 'no' too (total minus 'no'), losing the whole disability table
    eth = ["A", "B", "C", "D"]
    cross: dict[tuple[str, ...], int] = {
        (e, d): n
        for e, row in zip(eth, [(300, 40), (200, 30), (150, 25), (30, 3)], strict=True)
        for d, n in zip(("no", "yes"), row, strict=True)
    }
    tables = [
        CountTable(("eth",), {(e,): cross[(e, "no")] + cross[(e, "yes")] for e in eth}),
        CountTable(("dis",), {(d,): sum(cross[(e, d)] for e in eth) for d in ("no", "yes")}),
        CountTable(("eth", "dis"), cross, frozenset({("D", "yes")})),
    ]
    hidden = suppress_jointly(tables)
    assert hidden[0] == set() and hidden[1] == set()  # both margins published
    assert ("D", "yes") in hidden[2] and len(hidden[2]) > 1
    assert recoverable(tables, hidden) == []
