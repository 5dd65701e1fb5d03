"""The oversight monitor: how prompts are used, by prompt, factor, group, team and month."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisory._checks import check_int
from advisory._errors import InputError, ParameterError
from advisory._result import DEFAULT_CONFIDENCE, JsonResult
from advisory.fairness._binomial import wilson_interval
from advisory.fairness._suppression import suppress
from advisory.oversight._findings import check_finding

if TYPE_CHECKING:
    from advisory.oversight._store import Store

__all__ = ["Finding", "OversightMonitor", "monitor"]

_VERDICTS: Final = ("agree", "disagree", "not_relevant")
_NEEDED: Final = (
    "seq", "kind", "recorded_at", "case_id", "review_id", "team", "model_version", "prompt_id",
    "factor", "verdict", "reason", "seconds", "content",
)  # fmt: skip
_NOTE: Final = (
    "These are observations about how the prompts are used, for the board; they are not a "
    "judgement of any worker. Practitioners are never reported one by one."
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """One plain-language observation for the board.

    Attributes
    ----------
    topic : str
        ``"quick_agreement"``, ``"own_view"`` or ``"not_relevant"``.
    subject : str
        The team or prompt it is about.
    text : str
        The observation, in words, with its interval.
    """

    topic: str
    subject: str
    text: str

    def to_dict(self) -> dict[str, str]:
        """Return the finding as plain JSON types.

        Returns
        -------
        dict
            ``topic``, ``subject`` and ``text``.
        """
        return {"topic": self.topic, "subject": self.subject, "text": self.text}


def _json_value(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]


class OversightMonitor(JsonResult):
    """What the oversight trail shows about how the prompts are used.

    Built by :func:`monitor`. Every table is a DataFrame; rates carry Wilson
    intervals at the chosen confidence. Rates by the child's group are
    suppressed by the audit's small-cell rule (primary and secondary); teams
    are reported, practitioners never one by one.

    Parameters
    ----------
    settings : dict
        What the monitor was run with.
    n_reviews, n_responses : int
        Reviews and responses in the trail.
    tables : dict of str to pandas.DataFrame
        The rate tables by name.
    by_group : dict of str to pandas.DataFrame
        Rates by each attribute of the child, suppressed.
    reasons : pandas.DataFrame
        Reasons given for disagreeing or marking a prompt not relevant.
    findings : tuple of Finding
        Plain-language observations for the board.
    """

    def __init__(
        self,
        *,
        settings: dict[str, Any],
        n_reviews: int,
        n_responses: int,
        tables: dict[str, pd.DataFrame],
        by_group: dict[str, pd.DataFrame],
        reasons: pd.DataFrame,
        findings: tuple[Finding, ...],
    ) -> None:
        self._settings = settings
        self._n_reviews = n_reviews
        self._n_responses = n_responses
        self._tables = tables
        self._by_group = by_group
        self._reasons = reasons
        self._findings = findings

    @property
    def settings(self) -> dict[str, Any]:
        """The monitor's settings (seconds, cell size, confidence, shares)."""
        return dict(self._settings)

    @property
    def n_reviews(self) -> int:
        """Reviews issued in the trail."""
        return self._n_reviews

    @property
    def n_responses(self) -> int:
        """Prompt responses (the latest per review and prompt)."""
        return self._n_responses

    @property
    def by_prompt(self) -> pd.DataFrame:
        """Agreement, disagreement and not-relevant rates by prompt."""
        return self._tables["by_prompt"].copy()

    @property
    def by_factor(self) -> pd.DataFrame:
        """Rates by the factor a prompt is about."""
        return self._tables["by_factor"].copy()

    @property
    def by_team(self) -> pd.DataFrame:
        """Rates, time to respond, own view first and quick agreement by team."""
        return self._tables["by_team"].copy()

    @property
    def by_month(self) -> pd.DataFrame:
        """Rates by month of the response (``YYYY-MM``)."""
        return self._tables["by_month"].copy()

    @property
    def by_model_version(self) -> pd.DataFrame:
        """Rates by model version."""
        return self._tables["by_model_version"].copy()

    @property
    def decisions(self) -> pd.DataFrame:
        """Human decisions recorded, by category and model version."""
        return self._tables["decisions"].copy()

    def by_group(self, attribute: str) -> pd.DataFrame:
        """Return the rates by a group of the child, suppressed.

        Parameters
        ----------
        attribute : str
            An attribute of the ``groups`` table.

        Returns
        -------
        pandas.DataFrame
            One row per group, small groups withheld.
        """
        if attribute not in self._by_group:
            raise InputError(
                f"The monitor has no groups for {attribute!r}; it has {sorted(self._by_group)}."
            )
        return self._by_group[attribute].copy()

    @property
    def reasons(self) -> pd.DataFrame:
        """Reasons given for disagreeing or marking a prompt not relevant, grouped."""
        return self._reasons.copy()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Plain-language observations for the board."""
        return self._findings

    @property
    def note(self) -> str:
        """What the findings are and are not."""
        return _NOTE

    def to_dict(self) -> dict[str, Any]:
        """Return every table and finding as plain JSON types (a board-report section).

        Returns
        -------
        dict
            Settings, counts, every table, rates by group, reasons, findings and the note.
        """
        return {
            "settings": self.settings,
            "n_reviews": self._n_reviews,
            "n_responses": self._n_responses,
            **{name: _records(table) for name, table in self._tables.items()},
            "by_group": {a: _records(t) for a, t in self._by_group.items()},
            "reasons": _records(self._reasons),
            "findings": [f.to_dict() for f in self._findings],
            "note": _NOTE,
        }

    def to_frame(self) -> pd.DataFrame:
        """Return every rate table in one long frame.

        Returns
        -------
        pandas.DataFrame
            The rate tables stacked, with ``table`` and ``key`` columns.
        """
        parts = []
        for name, table in [*self._tables.items(), *(
            (f"by_group:{a}", t) for a, t in self._by_group.items()
        )]:  # fmt: skip
            if name == "decisions" or table.empty:
                continue
            part = table.rename(columns={table.columns[0]: "key"}).copy()
            part.insert(0, "table", name)
            parts.append(part[[c for c in part.columns if c in _RATE_COLUMNS]])
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_RATE_COLUMNS)

    def __repr__(self) -> str:
        return (
            f"OversightMonitor(n_reviews={self._n_reviews}, n_responses={self._n_responses}, "
            f"findings={len(self._findings)})"
        )


_RATE_COLUMNS: Final = [
    "table", "key", "n", "agree", "disagree", "not_relevant",
    "agree_rate", "agree_low", "agree_high",
    "disagree_rate", "disagree_low", "disagree_high",
    "not_relevant_rate", "not_relevant_low", "not_relevant_high", "seconds_median", "suppressed",
]  # fmt: skip


def _rates(resp: pd.DataFrame, key: str, confidence: float) -> pd.DataFrame:
    counts = (
        resp.groupby([key, "verdict"], observed=True, sort=True)
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(_VERDICTS), fill_value=0)
    )
    n = counts.sum(axis=1).to_numpy()
    out = pd.DataFrame({key: counts.index.astype(str), "n": n})
    for verdict in _VERDICTS:
        k = counts[verdict].to_numpy()
        low, high = wilson_interval(k, n, confidence)
        out[verdict] = k
        out[f"{verdict}_rate"] = k / np.maximum(n, 1)
        out[f"{verdict}_low"] = low
        out[f"{verdict}_high"] = high
    # time to respond
    median = resp.groupby(key, observed=True, sort=True)["seconds"].median()
    out["seconds_median"] = median.reindex(counts.index).to_numpy(dtype=float)
    out["suppressed"] = False
    return out.reset_index(drop=True)


def _suppressed(table: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Withhold group cells by the audit's rule, for each rate's numerator."""
    key = table.columns[0]
    hidden: set[tuple[str, ...]] = set()
    for verdict in ("agree", "disagree"):
        cells: dict[tuple[str, ...], tuple[int, int]] = {
            (str(g),): (int(n), int(k))
            for g, n, k in zip(table[key], table["n"], table[verdict], strict=True)
        }
        hidden |= suppress(cells, min_cell_size)
    out = table.copy()
    mask = out[key].map(lambda g: (str(g),) in hidden).to_numpy(dtype=bool)
    numeric = [c for c in out.columns if c not in (key, "suppressed")]
    out[numeric] = out[numeric].astype("float64")
    out.loc[mask, numeric] = np.nan
    out["suppressed"] = mask
    return out


def _source(source: Store | pd.DataFrame) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        frame = source
    elif hasattr(source, "records"):
        frame = source.records()
    else:
        raise InputError(
            "monitor needs a Store or its records (Store.records()); "
            f"got {type(source).__name__} instead."
        )
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise InputError(
            f"The oversight records have no column {missing[0]!r}; pass Store.records() "
            f"or a Store. Found {list(frame.columns)}."
        )
    return frame


def monitor(
    source: Store | pd.DataFrame,
    *,
    groups: pd.DataFrame | None = None,
    quick_seconds: float = 10.0,
    attention_share: float = 0.5,
    not_relevant_share: float = 0.3,
    min_cell_size: int = 10,
    confidence: float = DEFAULT_CONFIDENCE,
) -> OversightMonitor:
    """Watch how practitioners use the prompts: agreement, time, own view first, relevance.

    Parameters
    ----------
    source : Store or pandas.DataFrame
        The oversight trail, or its records (:meth:`Store.records`).
    groups : pandas.DataFrame, optional
        The host's groups of each child: a ``case_id`` column and one column
        per attribute (e.g. ethnicity). Rates by group are suppressed by the
        audit's small-cell rule. The trail itself holds no such attribute.
    quick_seconds : float, default 10.0
        A review counts as *agreed quickly* when every prompt was agreed and
        each response took less than this.
    attention_share : float, default 0.5
        A team is named in a finding when the interval of its share of
        quickly agreed reviews lies wholly above this, or the interval of its
        share of reviews with an own view first lies wholly below ``1 -``
        this.
    not_relevant_share : float, default 0.3
        A prompt is named when the interval of its not-relevant share lies
        wholly above this.
    min_cell_size : int, default 10
        Groups with fewer responses are suppressed; teams with fewer reviews
        are not named in a finding.
    confidence : float, default 0.9
        Level of the Wilson intervals (the library's one default).

    Returns
    -------
    OversightMonitor
        The tables and findings.

    Raises
    ------
    InputError
        If the records or the groups lack a column.

    Examples
    --------
    >>> import tempfile
    >>> from advisory.datasets import simulate_oversight
    >>> from advisory.oversight import Store, record_simulated
    >>> store = Store.open(f"sqlite:///{tempfile.mkdtemp()}/t.db")
    >>> _ = record_simulated(store, simulate_oversight(90, seed=0))
    >>> result = monitor(store)
    >>> sorted({f.subject for f in result.findings if f.topic == "quick_agreement"})
    ['team_b']
    >>> store.close()
    """
    if (
        isinstance(quick_seconds, bool)
        or not isinstance(quick_seconds, int | float)
        or not (quick_seconds > 0)
    ):
        raise ParameterError("quick_seconds", "monitor", "a number of seconds > 0", quick_seconds)
    for name, value in (
        ("attention_share", attention_share),
        ("not_relevant_share", not_relevant_share),
        ("confidence", confidence),
    ):
        if isinstance(value, bool) or not isinstance(value, float | int) or not 0 < value < 1:
            raise ParameterError(name, "monitor", "a number strictly between 0 and 1", value)
    min_cell_size = check_int(min_cell_size, "min_cell_size", "monitor", minimum=1)
    records = _source(source)
    wanted = {"seq": "int64", "seconds": "float64"}
    if any(records[c].dtype != t for c, t in wanted.items()):
        records = records.astype(wanted)  # an empty trail reads as objects
    kind = records["kind"].to_numpy()
    # each review as an integer code, once (string columns are costly to compare row by row)
    codes, _ = pd.factorize(records["review_id"])
    records = records.assign(review_code=codes)
    issued = records.loc[kind == "review_issued", ["seq", "review_code", "case_id", "team"]]
    resp = records.loc[
        kind == "response",
        ["seq", "review_code", "case_id", "team", "model_version", "prompt_id",
         "factor", "verdict", "reason", "seconds", "recorded_at"],
    ]  # fmt: skip
    # a later response to the same prompt of a review is a correction: keep the latest
    if resp.duplicated(["review_code", "prompt_id"]).any():
        resp = resp.sort_values("seq").drop_duplicates(["review_code", "prompt_id"], keep="last")
    resp = resp.assign(
        verdict=pd.Categorical(resp["verdict"], categories=list(_VERDICTS)),
        month=resp["recorded_at"].str.slice(0, 7),
        factor=resp["factor"].fillna("(no single factor)"),
    )
    tables: dict[str, pd.DataFrame] = {
        "by_prompt": _rates(resp, "prompt_id", confidence),
        "by_factor": _rates(resp, "factor", confidence),
        "by_month": _rates(resp, "month", confidence),
        "by_model_version": _rates(resp, "model_version", confidence),
    }
    per_review = _per_review(records, issued, resp, quick_seconds)
    tables["by_team"] = _team_table(resp, per_review, confidence)
    tables["decisions"] = _decisions(records)
    by_group = _group_tables(resp, groups, confidence, min_cell_size)
    findings = _team_findings(tables["by_team"], quick_seconds, attention_share, min_cell_size)
    findings += _prompt_findings(tables["by_prompt"], not_relevant_share, min_cell_size)
    return OversightMonitor(
        settings={
            "quick_seconds": float(quick_seconds),
            "attention_share": float(attention_share),
            "not_relevant_share": float(not_relevant_share),
            "min_cell_size": min_cell_size,
            "confidence": float(confidence),
        },
        n_reviews=len(issued),
        n_responses=len(resp),
        tables=tables,
        by_group=by_group,
        reasons=_reasons(resp, min_cell_size),
        findings=findings,
    )


def _per_review(
    records: pd.DataFrame, issued: pd.DataFrame, resp: pd.DataFrame, quick_seconds: float
) -> pd.DataFrame:
    """Per review issued: own view first, answered, every prompt agreed quickly."""
    n = int(records["review_code"].max()) + 1 if len(records) else 0
    never = np.iinfo(np.int64).max
    kind = records["kind"].to_numpy()
    code = records["review_code"].to_numpy()
    seq = records["seq"].to_numpy()

    def first_seq(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        first = np.full(n, never, dtype=np.int64)
        known = mask & (code >= 0)
        np.minimum.at(first, code[known], seq[known])
        return first

    view = first_seq(kind == "own_view")
    shown = first_seq((kind == "prompts_shown") | (kind == "response"))
    answer = resp["review_code"].to_numpy()
    quick = (resp["verdict"].to_numpy() == "agree") & (resp["seconds"].to_numpy() < quick_seconds)
    answered = np.bincount(answer, minlength=n) > 0
    slow = np.bincount(answer[~quick], minlength=n) > 0
    at = issued["review_code"].to_numpy()
    return pd.DataFrame(
        {
            "team": issued["team"].to_numpy(),
            "own_view_first": (view[at] < never) & (view[at] < shown[at]),
            "answered": answered[at],
            "quick_agreement": answered[at] & ~slow[at],
        }
    )


def _team_table(resp: pd.DataFrame, per_review: pd.DataFrame, confidence: float) -> pd.DataFrame:
    rates = _rates(resp, "team", confidence).drop(columns=["suppressed", "seconds_median"])
    reviews = per_review.groupby("team").agg(
        reviews=("own_view_first", "size"),
        own_view_first=("own_view_first", "sum"),
        answered=("answered", "sum"),
        quick_agreement=("quick_agreement", "sum"),
    )
    quartiles = resp.groupby("team")["seconds"].quantile(np.array([0.25, 0.5, 0.75]))
    seconds = (
        quartiles.unstack()
        if len(quartiles)
        else pd.DataFrame(index=pd.Index([], name="team"), columns=[0.25, 0.5, 0.75], dtype=float)
    )
    seconds.columns = pd.Index(["seconds_q1", "seconds_median", "seconds_q3"])
    table = reviews.join(seconds, how="left").reset_index()
    table["team"] = table["team"].astype(str)
    low, high = wilson_interval(table["own_view_first"], table["reviews"], confidence)
    table["own_view_first_share"] = table["own_view_first"] / table["reviews"]
    table["own_view_first_low"], table["own_view_first_high"] = low, high
    low, high = wilson_interval(table["quick_agreement"], table["answered"], confidence)
    table["quick_agreement_share"] = table["quick_agreement"] / table["answered"].where(
        table["answered"] > 0
    )
    table["quick_agreement_low"], table["quick_agreement_high"] = low, high
    return table.merge(rates, on="team", how="left")


def _group_tables(
    resp: pd.DataFrame, groups: pd.DataFrame | None, confidence: float, min_cell_size: int
) -> dict[str, pd.DataFrame]:
    if groups is None:
        return {}
    if not isinstance(groups, pd.DataFrame) or "case_id" not in groups.columns:
        raise InputError(
            "The 'groups' of monitor must be a DataFrame with a 'case_id' column and one "
            "column per attribute of the child."
        )
    if groups["case_id"].duplicated().any():
        raise InputError("The 'groups' of monitor list a case_id twice; give one row per case.")
    joined = resp.merge(groups.astype({"case_id": str}), on="case_id", how="left")
    out = {}
    for attribute in [c for c in groups.columns if c != "case_id"]:
        frame = joined.assign(**{attribute: joined[attribute].fillna("(not known)").astype(str)})
        out[attribute] = _suppressed(_rates(frame, attribute, confidence), min_cell_size)
    return out


def _decisions(records: pd.DataFrame) -> pd.DataFrame:
    rows = records.loc[records["kind"] == "decision", ["content", "model_version"]]
    category = [json.loads(c).get("category", "") for c in rows["content"]]
    frame = pd.DataFrame({"category": category, "model_version": rows["model_version"].to_numpy()})
    if frame.empty:
        return pd.DataFrame({"category": [], "model_version": [], "n": []})
    return frame.groupby(["category", "model_version"]).size().rename("n").reset_index()


def _reasons(resp: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    given = resp.loc[resp["verdict"].isin(["disagree", "not_relevant"])]
    raw = given["reason"].fillna("").to_numpy()
    codes, unique = pd.factorize(raw)
    # the same reason in other case or spacing is the same reason; each text normalised once
    normalised = np.array([" ".join(str(u).lower().split()) for u in unique], dtype=object)
    counts = (
        pd.DataFrame({"prompt_id": given["prompt_id"].to_numpy(), "reason": normalised[codes]})
        .groupby(["prompt_id", "reason"])
        .size()
        .rename("n")
        .reset_index()
    )
    # a free-text reason given fewer times than the cell size could identify someone
    rare = counts["n"] < min_cell_size
    counts.loc[rare, "reason"] = "(other reasons)"
    return (
        counts.groupby(["prompt_id", "reason"], sort=False)["n"]
        .sum()
        .reset_index()
        .sort_values(["prompt_id", "n"], ascending=[True, False], kind="stable")
        .reset_index(drop=True)
    )


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _team_findings(
    table: pd.DataFrame, quick_seconds: float, share: float, min_cell_size: int
) -> tuple[Finding, ...]:
    found: list[Finding] = []
    for row in table.to_dict(orient="records"):
        if row["reviews"] < min_cell_size:
            continue
        if row["answered"] >= min_cell_size and row["quick_agreement_low"] > share:
            found.append(
                Finding(
                    topic="quick_agreement",
                    subject=row["team"],
                    text=check_finding(
                        f"In team {row['team']}, every prompt was agreed within {quick_seconds:g} "
                        f"seconds in {_pct(row['quick_agreement_share'])} of {row['answered']} "
                        f"answered reviews (interval {_pct(row['quick_agreement_low'])} to "
                        f"{_pct(row['quick_agreement_high'])}). Agreement this quick can mean the "
                        "prompts are accepted without being weighed; the board may wish to "
                        "ask the team how the prompts fit their visits.",
                        names=[str(row["team"])],
                    ),
                )
            )
        if row["own_view_first_high"] < 1 - share:
            found.append(
                Finding(
                    topic="own_view",
                    subject=row["team"],
                    text=check_finding(
                        f"In team {row['team']}, an own view was recorded before the prompts were "
                        f"shown in {_pct(row['own_view_first_share'])} of {row['reviews']} reviews "
                        f"(interval {_pct(row['own_view_first_low'])} to "
                        f"{_pct(row['own_view_first_high'])}).",
                        names=[str(row["team"])],
                    ),
                )
            )
    return tuple(found)


def _prompt_findings(table: pd.DataFrame, share: float, min_cell_size: int) -> tuple[Finding, ...]:
    found: list[Finding] = []
    for row in table.to_dict(orient="records"):
        if row["n"] >= min_cell_size and row["not_relevant_low"] > share:
            found.append(
                Finding(
                    topic="not_relevant",
                    subject=row["prompt_id"],
                    text=check_finding(
                        f"The prompt {row['prompt_id']} was marked not relevant in "
                        f"{_pct(row['not_relevant_rate'])} of {row['n']} responses (interval "
                        f"{_pct(row['not_relevant_low'])} to {_pct(row['not_relevant_high'])}); "
                        "its question may not fit the cases it is shown for.",
                        names=[str(row["prompt_id"])],
                    ),
                )
            )
    return tuple(found)
