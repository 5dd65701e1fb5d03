"""Reviewing cases: one prepared case, and batches, to dicts and JSON (SHAP included).

Peer: the straightforward route, a ``shap.Explainer`` on the model's margin
with a 100-case background called once per case, then a dict built from its
values (sorted factors with their labels and questions).

Batches are measured as dicts (``ReviewBuilder.review_dicts``, the budget's
route, and one ``Review.to_dict`` at a time), as Review objects, as JSON Lines
(what a host stores or sends) and as the columnar ``mentions`` table (the same
decisions, no Review objects), on the full context (provenance, household,
gaps) and on factors alone. Every case id of a batch is distinct, as in real
use: the guard checks each new one.
"""

from __future__ import annotations

import dataclasses
import time
import warnings

import numpy as np
import pandas as pd

from advisory import Advisor
from advisory.context import CaseContext, index_records
from advisory.datasets import make_multiagency
from advisory.definitions import reference_root
from advisory.prompts import ReviewBuilder
from benchmarks._table import Row, median_seconds


def _factors_only(context: CaseContext) -> CaseContext:
    """The same cases with no provenance, household or gaps: factors alone."""
    return dataclasses.replace(
        context,
        unknown=context.unknown.iloc[:0],
        provenance=context.provenance.iloc[:0],
        household=context.household.iloc[:0],
        household_events=context.household_events.iloc[:0],
        gaps=context.gaps.iloc[:0],
    )


def _factors_only_batch(context: CaseContext, at_least: int) -> CaseContext:
    """The cases of ``context`` repeated, factors alone, each copy under new case ids.

    Every case id is distinct, as in a real batch: the guard checks each new
    id, so a batch that repeated ids would be flattered.
    """
    one = _factors_only(context)
    copies = -(-at_least // len(one.factors))
    batch = CaseContext(
        **{
            f.name: pd.concat([getattr(one, f.name)] * copies)
            for f in dataclasses.fields(CaseContext)
        }
    )
    ids = [f"C{i:08d}" for i in range(len(batch.factors))]
    if batch.cases["case_id"].tolist() != batch.factors.index.tolist():
        raise AssertionError("the cases table and the factors are not in the same order")
    factors = batch.factors.copy()
    factors.index = pd.Index(ids, name=batch.factors.index.name)
    cases = batch.cases.assign(case_id=ids).reset_index(drop=True)
    return dataclasses.replace(batch, factors=factors, cases=cases)


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


def run(quick: bool = False) -> list[Row]:
    n_cases = 1_000 if quick else 3_000
    rows: list[Row] = []
    data = make_multiagency(n_cases=n_cases, seed=0)
    families = {
        "scorecard": {"n_resamples": 10 if quick else 30},
        "additive_boosting": {"n_resamples": 5 if quick else 10, "max_iter": 30 if quick else 60},
    }
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
        builder.reviews(one)[0].to_dict()
        peer = _peer_seconds(advisor, context.factors)
        for what, run_one in (
            ("dict", lambda: builder.reviews(one)[0].to_dict()),  # noqa: B023
            ("JSON", lambda: builder.reviews(one)[0].to_json()),  # noqa: B023
        ):
            seconds = median_seconds(run_one, repeat=201)
            rows.append(
                Row(
                    f"review one prepared case to {what}, {family} (SHAP, intervals, guard)",
                    seconds * 1e3,
                    "ms",
                    budget="< 2 ms",
                    peer="shap.Explainer per case + dict",
                    peer_value=peer * 1e3,
                )
            )
        batch = _factors_only_batch(context, 20_000 if quick else 100_000)
        for label, ctx in (("full context", context), ("factors only", batch)):
            n = len(ctx.factors)
            for what, run_batch in (
                ("dicts (review_dicts)", lambda: builder.review_dicts(ctx)),  # noqa: B023
                (
                    "dicts, Review.to_dict one by one",
                    lambda: [r.to_dict() for r in builder.reviews(ctx)],  # noqa: B023
                ),
                ("Review objects", lambda: builder.reviews(ctx)),  # noqa: B023
                (
                    "JSON Lines (Review.to_json)",
                    lambda: "\n".join([r.to_json() for r in builder.reviews(ctx)]),  # noqa: B023
                ),
                ("mentions table", lambda: builder.mentions(ctx)),  # noqa: B023
            ):
                seconds = median_seconds(run_batch, repeat=3)
                rows.append(
                    Row(
                        f"  batch of {n:,} ({label}) to {what}, {family}: per case "
                        f"({n / seconds:,.0f} cases/s)",
                        seconds / n * 1e6,
                        "us",
                        budget="<= 20 us (>= 50,000 cases/s)",
                        peer="shap.Explainer per case + dict",
                        peer_value=peer * 1e6,
                    )
                )
    n = 192_000 if not quick else 24_000
    seconds = median_seconds(lambda: _literal_dicts(n), repeat=3)
    rows.append(
        Row(
            f"  no review logic, collector on: {n:,} bare dict literals of a review's shape, "
            f"kept ({n / seconds:,.0f} per s)",
            seconds / n * 1e6,
            "us",
            budget="<= 20 us (>= 50,000 cases/s)",
        )
    )
    return rows


def _literal_dicts(n: int) -> list[dict[str, object]]:
    """Build and keep ``n`` dicts shaped like a review with nothing standing out.

    No review logic at all: the cost of the dicts alone (allocation and the
    garbage collector's passes over the growing list), the floor under any
    ``to_dict`` of the same shape.
    """
    notes = [("agency", "text")] * 5
    out: list[dict[str, object]] = []
    for i in range(n):
        out.append(
            {
                "schema": "urn",
                "case_id": str(i),
                "reference_date": "2021-01-01",
                "statement": "s",
                "stands_out": [],
                "strengths": [],
                "could_not_see": {
                    "gaps": [],
                    "unknown_factors": [],
                    "reminder": "r",
                    "not_captured": [{"agency": a, "text": t} for a, t in notes],
                    "open_question": {"prompt_id": "open", "question": "q"},
                },
                "household": [],
                "about": {
                    "model_version": "m",
                    "explanation_method": "e",
                    "data_snapshot_date": "d",
                },
            }
        )
    return out


if __name__ == "__main__":
    from benchmarks._table import render

    print(render(run(quick=True)))
