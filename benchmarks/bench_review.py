"""Reviewing cases (review v2): one prepared case, and batches of full briefs to dicts.

Budgets (DESIGN): one case reviewed (SHAP, steadiness, guard) median under
1 ms; a batch of full v2 briefs to dicts at least 20,000 cases/s and within 2x
of the CPython floor -- bare dict literals of the v2 shape, built and kept in
the same run. Times are CPU seconds of this process (``time.process_time``),
so a shared, loaded machine disturbs them less than wall time would.

Peer for one case: the straightforward route, a ``shap.Explainer`` on the
model's margin with a 100-case background called once per case, then a dict
built from its values.
"""

from __future__ import annotations

import dataclasses
import gc
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from advisory import Advisor
from advisory._gc import collector_paused
from advisory.context import index_records
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.prompts import ReviewBuilder
from benchmarks._table import Row, median_seconds


def _peer_seconds(advisor: Advisor, factors: pd.DataFrame) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import shap

        numeric = factors.drop(columns="household_adults")
        codes = factors["household_adults"].cat.codes.to_numpy(dtype=float)
        categories = factors["household_adults"].cat.categories
        model = advisor.model_

        def margin(a: np.ndarray) -> np.ndarray:
            frame = pd.DataFrame(a[:, :-1], columns=numeric.columns)
            frame["household_adults"] = pd.Categorical.from_codes(
                np.clip(a[:, -1], 0, len(categories) - 1).astype(int), categories
            )
            return np.asarray(model.decision_function(frame[factors.columns]))

        matrix = np.column_stack([numeric.to_numpy(dtype=float), codes])
        masker = shap.maskers.Independent(matrix[:100], max_samples=100)
        explainer = shap.Explainer(margin, masker)
        catalogue = advisor.definitions.catalogue
        names = [*numeric.columns, "household_adults"]
        row = matrix[[5]]

        def one() -> dict[str, object]:
            values = explainer(row, silent=True).values[0]
            order = np.argsort(-np.abs(values))
            return {
                "factors": [
                    {
                        "label": catalogue.entry(names[j]).label,
                        "question": catalogue.entry(names[j]).question,
                    }
                    for j in order[:5]
                ]
            }

        return median_seconds(one, repeat=5)


def cpu_seconds(func: Callable[[], object], repeat: int = 3) -> float:
    """Median CPU time of ``repeat`` calls of ``func`` (this process only)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def run(quick: bool = False) -> list[Row]:
    n_cases = 2_000 if quick else 5_000
    rows: list[Row] = []
    data = make_multiagency(n_cases=n_cases, seed=0)
    families = {
        "scorecard": {"n_resamples": 10 if quick else 30},
        "additive_boosting": {"n_resamples": 5 if quick else 10, "max_iter": 30 if quick else 60},
    }
    floor = floor_paused = 0.0
    for family, params in families.items():
        advisor = Advisor.from_definitions(reference_root(), model_params=params)
        advisor.definitions = dataclasses.replace(
            advisor.definitions,
            spec=dataclasses.replace(advisor.definitions.spec, family=family),  # type: ignore[arg-type]
        )
        start = time.perf_counter()
        advisor.fit(data)
        rows.append(
            Row(f"fit Advisor ({family}) on {n_cases:,} cases", time.perf_counter() - start, "s")
        )
        context = index_records(data, advisor.definitions).context()
        builder = ReviewBuilder(
            advisor.definitions,
            advisor.explainer_,
            model_version=advisor.model_version_,
            data_snapshot_date=pd.Timestamp(data.snapshot_date).date(),
        )
        one = context.case(str(context.cases["case_id"].iloc[5]))
        builder.review_dicts(one)
        peer = _peer_seconds(advisor, context.factors)
        seconds = cpu_seconds(lambda: builder.review_dicts(one), repeat=201)  # noqa: B023
        rows.append(
            Row(
                f"review one prepared case to a dict, {family} (SHAP, steadiness, guard)",
                seconds * 1e3,
                "ms",
                budget="< 1 ms",
                peer="shap.Explainer per case + dict",
                peer_value=peer * 1e3,
            )
        )
        n = len(context.factors)
        builder.review_dicts(context)  # memos warm, as in a long-running host
        seconds = cpu_seconds(lambda: builder.review_dicts(context))  # noqa: B023
        sample = builder.review_dicts(context)
        if not floor:
            floor = cpu_seconds(lambda: _literal_dicts(sample))  # noqa: B023
            with collector_paused():
                floor_paused = cpu_seconds(lambda: _literal_dicts(sample))  # noqa: B023
        rows.append(
            Row(
                f"  batch of {n:,} full v2 briefs to dicts, {family}: per case "
                f"({n / seconds:,.0f} cases/s; {seconds / floor:.1f}x the floor)",
                seconds / n * 1e6,
                "us",
                budget=">= 20,000 cases/s; <= 2x the floor",
                peer="bare v2 dict literals, collector on",
                peer_value=floor / n * 1e6,
            )
        )
        seconds = cpu_seconds(lambda: builder.asked(context))  # noqa: B023
        paused = cpu_seconds(
            lambda: builder.review_dicts(context, pause_collector=True)  # noqa: B023
        )
        rows.append(
            Row(
                f"  the same, collector paused (host's opt-in), {family}: per case "
                f"({n / paused:,.0f} cases/s; {paused / floor_paused:.1f}x the floor, paused)",
                paused / n * 1e6,
                "us",
                budget=">= 20,000 cases/s; <= 2x the floor",
                peer="bare v2 dict literals, collector paused",
                peer_value=floor_paused / n * 1e6,
            )
        )
        rows.append(
            Row(
                f"  batch of {n:,}: the 'asked' table for parity, {family}: per case",
                seconds / n * 1e6,
                "us",
            )
        )
    gc.collect()
    return rows


def _literal_dicts(briefs: list[dict[str, Any]]) -> list[dict[str, object]]:
    """Build and keep bare dict literals of the v2 shape, one per brief of ``briefs``.

    No review logic at all: the same keys, list lengths and strings as each
    brief (taken from it), assembled as literals -- the floor under any
    builder of the same dicts, with the collector on as a host has it.
    """
    out: list[dict[str, object]] = []
    for d in briefs:
        out.append(
            {
                "schema": d["schema"],
                "case_id": d["case_id"],
                "reference_date": d["reference_date"],
                "statement": d["statement"],
                "household": [
                    {
                        "person_id": p["person_id"],
                        "relationship": p["relationship"],
                        "age_years": p["age_years"],
                        "age": p["age"],
                        "member_since": p["member_since"],
                        "end_date": p["end_date"],
                        "relation": p["relation"],
                        "records": [
                            {
                                "agency": r["agency"],
                                "event_type": r["event_type"],
                                "dates": list(r["dates"]),
                                "whens": list(r["whens"]),
                                "partial": r["partial"],
                            }
                            for r in p["records"]
                        ],
                        "notes": list(p["notes"]),
                    }
                    for p in d["household"]
                ],
                "elsewhere": [dict(p) for p in d["elsewhere"]],
                "chronology": [
                    {
                        "date": e["date"],
                        "when": e["when"],
                        "person_id": e["person_id"],
                        "relationship": e["relationship"],
                        "agency": e["agency"],
                        "event_type": e["event_type"],
                        "event_id": e["event_id"],
                    }
                    for e in d["chronology"]
                ],
                "chronology_more": d["chronology_more"],
                "key_history": [dict(e) for e in d["key_history"]],
                "key_history_more": d["key_history_more"],
                "safety": [dict(s) for s in d["safety"]],
                "questions": [
                    {
                        "prompt_id": q["prompt_id"],
                        "kind": q["kind"],
                        "factor": q["factor"],
                        "recorded": q["recorded"],
                        "agency": q["agency"],
                        "question": q["question"],
                    }
                    for q in d["questions"]
                ],
                "to_confirm": [dict(c) for c in d["to_confirm"]],
                "could_not_see": [dict(g) for g in d["could_not_see"]],
                "about": {
                    **d["about"],
                    "not_captured": [dict(n) for n in d["about"]["not_captured"]],
                },
            }
        )
    return out


if __name__ == "__main__":
    from benchmarks._table import render

    print(render(run(quick=True)))
