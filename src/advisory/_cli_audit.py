"""The ``advisory audit`` and ``advisory report`` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from advisory._cli_options import add_date_format, add_force, add_mapping
from advisory._errors import InputError
from advisory._files import atomic_folder, check_output
from advisory._optional import require_extras

__all__ = ["add_commands"]


def _audit(args: argparse.Namespace) -> int:
    require_extras("fairness", feature="advisory audit (its board report)")
    if bool(args.scores) == bool(args.bundle):
        raise InputError(
            "advisory audit needs either --scores FILE (any tool's outcomes, scores and "
            "sensitive attributes) or --bundle FOLDER with --records FOLDER (a model of "
            "this library); give exactly one of them."
        )
    given = [args.scores, args.bundle, args.records, args.cases, args.policy, args.label_spec]
    out = check_output(
        args.out,
        inputs=[p for p in given if p],
        kind="folder",
        force=args.force,
        what="report folder (--out)",
    )
    result = _audit_bundle(args) if args.bundle else _audit_scores(args)
    return _write(result, out, force=args.force)


def _audit_bundle(args: argparse.Namespace) -> Any:
    from advisory import Advisor
    from advisory.context import apply_mapping, read_mapping
    from advisory.context._io import read_case_ids, read_records

    if not args.records:
        raise InputError("advisory audit --bundle needs --records FOLDER with the audited cases.")
    advisor = Advisor.load(args.bundle, trusted=args.trust or ())
    mapping = read_mapping(args.mapping, advisor.definitions) if args.mapping else None
    records = apply_mapping(read_records(args.records, date_format=args.date_format), mapping)
    cases = read_case_ids(args.cases) if args.cases else None
    print(f"Auditing {advisor.model_version_} on the records in {args.records} ...")
    return advisor.audit(records, cases, n_boot=args.n_boot, random_state=args.seed)


def _split_pairs(values: list[str] | None, name: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values or ():
        column, sep, group = value.partition("=")
        if not sep or not column or not group:
            raise InputError(f"{name} must look like COLUMN=GROUP; found {value!r}.")
        pairs[column] = group
    return pairs


def _audit_scores(args: argparse.Namespace) -> Any:
    from advisory.context._io import read_table
    from advisory.definitions import load_audit_policy, load_model_spec
    from advisory.fairness import audit

    decision = args.decision or args.prediction
    if args.decision and args.prediction:
        raise InputError("--decision and --prediction name the same column; give one of them.")
    if args.flagged_at is not None and not args.score:
        raise InputError("--flagged-at is a cut on the scores: give --score COLUMN with it.")
    if args.flagged_at is not None and decision:
        raise InputError(
            "--flagged-at sets the decisions from the scores; leave out --decision, or "
            "--flagged-at."
        )
    if not args.outcome or not (args.score or decision):
        raise InputError(
            "advisory audit --scores needs --outcome COLUMN and --score COLUMN, --decision "
            "COLUMN, or both."
        )
    policy = load_audit_policy(args.policy) if args.policy else None
    sensitive = list(args.sensitive or ())
    if policy is not None:
        if sensitive or args.reference or args.intersection:
            raise InputError(
                "--policy sets the attributes, reference groups and intersections; leave out "
                "--sensitive, --reference and --intersection."
            )
        sensitive = [a.column for a in policy.attributes]
    if not sensitive:
        raise InputError("advisory audit --scores needs --sensitive COLUMN (or --policy FILE).")
    table = read_table(args.scores, text_columns=sensitive)
    wanted = [args.outcome, *([args.score] if args.score else [])]
    wanted += [*([decision] if decision else []), *sensitive]
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        raise InputError(
            f"The scores file {args.scores} has no column {missing[0]!r}; "
            f"found {list(table.columns)}."
        )
    label = load_model_spec(args.label_spec).outcome if args.label_spec else None
    keywords: dict[str, Any] = {
        "predictions": table[decision] if decision else None,
        "score_kind": args.score_kind,
        "flagged_at": args.flagged_at,
        "random_state": args.seed,
        "label": label,
        "subject": args.tool,
    }
    if policy is None:
        keywords.update(
            n_boot=args.n_boot or 1000,
            min_cell_size=args.min_cell_size,
            reference_groups=_split_pairs(args.reference, "--reference"),
            intersections=[c.split(",") for c in args.intersection or ()],
        )
    elif args.n_boot:
        raise InputError("--policy sets n_boot; leave out --n-boot or edit the policy.")
    print(f"Auditing {len(table):,} cases from {args.scores} ...")
    scores = table[args.score] if args.score else None
    return audit(table[args.outcome], scores, table[sensitive], policy=policy, **keywords)


def _report(args: argparse.Namespace) -> int:
    require_extras("fairness", feature="advisory report")
    out = check_output(
        args.out, inputs=[args.audit], kind="folder", force=args.force, what="report folder (--out)"
    )
    path = Path(args.audit)
    if not path.is_file():
        raise InputError(f"The audit file {path} does not exist; give an audit.json.")
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not JSON: {exc}") from exc
    return _write(saved, out, force=args.force)


def _write(result: Any, out: Path, *, force: bool) -> int:
    from advisory.reports import write_report

    with atomic_folder(out, force=force) as folder:
        files = write_report(result, folder)
    print(f"Board report: {out / files.html.name}")
    print(f"Audit (JSON): {out / files.json.name}")
    print(f"Model card:   {out / files.model_card.name}")
    return 0


def add_commands(commands: Any) -> None:
    """Add ``audit`` and ``report`` to the command line's subcommands."""
    audit = commands.add_parser(
        "audit",
        help="audit a model or any tool's scores by group and write the board report",
        description=(
            "Audit outcomes and scores by group with bootstrap intervals, small groups "
            "suppressed, and write a self-contained HTML report, the audit as JSON and a "
            "model card. Either --scores FILE (any tool) or --bundle with --records."
        ),
    )
    audit.add_argument("--out", required=True, help="folder for the report files")
    add_force(audit)
    add_date_format(audit)
    add_mapping(audit)
    audit.add_argument("--scores", help="CSV or Parquet file: one row per case")
    audit.add_argument("--outcome", help="column of the recorded outcome (0/1)")
    audit.add_argument(
        "--score", help="column of the tool's scores (probabilities, or see --score-kind)"
    )
    audit.add_argument(
        "--score-kind",
        choices=("probability", "ordinal"),
        default="probability",
        help="probability: scores in [0, 1] (default); ordinal: ranks, bands or deciles, "
        "higher meaning the outcome is more likely (ranking only, no calibration)",
    )
    audit.add_argument(
        "--decision", help="column of the tool's decisions (0/1: flagged or not), if any"
    )
    audit.add_argument("--prediction", help=argparse.SUPPRESS)  # the old name of --decision
    audit.add_argument(
        "--flagged-at",
        type=float,
        help="the tool's operating point: a case is flagged when its score is at or above "
        "this (e.g. 5 for 'decile 5 or higher')",
    )
    audit.add_argument(
        "--sensitive", action="append", help="a sensitive attribute column (repeatable)"
    )
    audit.add_argument(
        "--reference", action="append", help="COLUMN=GROUP reference group (default: largest)"
    )
    audit.add_argument(
        "--intersection", action="append", help="COLUMN,COLUMN audited together (repeatable)"
    )
    audit.add_argument("--policy", help="audit policy TOML (instead of the three options above)")
    audit.add_argument("--label-spec", help="model specification TOML describing the outcome")
    audit.add_argument("--tool", help="name of the tool whose scores are audited")
    audit.add_argument("--min-cell-size", type=int, default=10, help="smallest reported group")
    audit.add_argument("--n-boot", type=int, help="bootstrap replicates (default 1000)")
    audit.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    audit.add_argument("--bundle", help="a model bundle from 'advisory train'")
    audit.add_argument("--records", help="folder of record tables (with --bundle)")
    audit.add_argument("--cases", help="CSV with a case_id column: the audited cases")
    audit.add_argument("--trust", action="append", help="an extra type to trust in the bundle")
    audit.set_defaults(run=_audit)

    report = commands.add_parser(
        "report",
        help="render the board report again from a saved audit.json",
        description="Write the HTML report, JSON and model card from an audit.json.",
    )
    report.add_argument("audit", help="audit.json written by 'advisory audit'")
    report.add_argument("--out", required=True, help="folder for the report files")
    add_force(report)
    report.set_defaults(run=_report)
