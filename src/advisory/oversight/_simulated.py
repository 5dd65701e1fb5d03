"""Record simulated practitioners' reviews and responses in a store (tests, demo, benchmark)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from advisory.datasets import SimulatedOversight
    from advisory.oversight._store import Store

__all__ = ["record_simulated"]


def record_simulated(
    store: Store, simulated: SimulatedOversight, *, model_version: str = "simulated-1"
) -> int:
    """Record every simulated review, own view, prompts shown and response in a store.

    Each review is recorded as a host would, in order: issued, own view (when
    the practitioner formed one), prompts shown, then the responses; one
    transaction per review.

    Parameters
    ----------
    store : Store
        The oversight trail.
    simulated : SimulatedOversight
        From :func:`advisory.datasets.simulate_oversight`.
    model_version : str, default "simulated-1"
        The model version the reviews are recorded under.

    Returns
    -------
    int
        The number of responses recorded.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import simulate_oversight
    >>> from advisory.oversight import Store
    >>> with Store.open(f"sqlite:///{tempfile.mkdtemp()}/t.db") as store:
    ...     record_simulated(store, simulate_oversight(6, seed=0))
    18
    """
    by_review = {rid: g for rid, g in simulated.responses.groupby("review_id", sort=False)}
    n = 0
    for row in simulated.reviews.to_dict(orient="records"):
        held = by_review[row["review_id"]]
        review = {
            "case_id": row["case_id"],
            "questions": [
                {"prompt_id": p, "factor": f}
                for p, f in zip(held["prompt_id"], held["factor"], strict=True)
            ],
        }
        with store.transaction():  # one review, one transaction
            store.record_review(
                review,
                team=row["team"],
                practitioner=row["practitioner"],
                model_version=model_version,
                snapshot_date=(row["issued_at"] - dt.timedelta(days=1)).date(),
                review_id=row["review_id"],
                at=row["issued_at"],
            )
            if not pd.isna(row["own_view_at"]):
                store.record_own_view(
                    row["review_id"], worries="simulated own view", at=row["own_view_at"]
                )
            store.record_prompts_shown(row["review_id"], at=row["shown_at"])
            answers: list[dict[str, Any]] = [
                {"prompt_id": p, "verdict": v, "reason": r, "seconds": s}
                for p, v, r, s in zip(
                    held["prompt_id"], held["verdict"], held["reason"], held["seconds"], strict=True
                )
            ]
            store.record_responses(
                row["review_id"],
                answers,
                at=row["shown_at"] + dt.timedelta(seconds=float(held["seconds"].sum())),
            )
        n += len(answers)
    return n
