"""The ``advisory audit`` and ``advisory report`` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from advisory._errors import InputError

__all__ = ["add_commands"]


def _audit(args: argparse.Namespace) -> int:
    if bool(args.scores) == bool(args.bundle):
        raise InputError(
            "advisory audit needs either --scores FILE (any tool's outcomes, scores and "
            "sensitive attributes) or --bundle FOLDER with --records FOLDER (a model of "
            "this library); give exactly one of them."
        )
    result = _audit_bundle(args) if args.bundle else _audit_scores(args)
    return _write(result, args.out)


def _audit_bundle(args: argparse.Namespace) -> Any:
    from advisory import Advisor
    from advisory.context._io import read_case_ids, read_records

    if not args.records:
        raise InputError("advisory audit --bundle needs --records FOLDER with the audited cases.")
    advisor = Advisor.load(args.bundle, trusted=args.trust or ())
    records = read_records(args.records)
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

    if not args.outcome or not args.score:
        raise InputError("advisory audit --scores needs --outcome COLUMN and --score COLUMN.")
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
    wanted = [args.outcome, args.score, *([args.prediction] if args.prediction else []), *sensitive]
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        raise InputError(
            f"The scores file {args.scores} has no column {missing[0]!r}; "
            f"found {list(table.columns)}."
        )
    label = load_model_spec(args.label_spec).outcome if args.label_spec else None
    keywords: dict[str, Any] = {
        "predictions": table[args.prediction] if args.prediction else None,
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
    return audit(
        table[args.outcome], table[args.score], table[sensitive], policy=policy, **keywords
    )


def _report(args: argparse.Namespace) -> int:
    path = Path(args.audit)
    if not path.is_file():
        raise InputError(f"The audit file {path} does not exist; give an audit.json.")
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not JSON: {exc}") from exc
    return _write(saved, args.out)


def _write(result: Any, out: str) -> int:
    from advisory.reports import write_report

    files = write_report(result, out)
    print(f"Board report: {files.html}")
    print(f"Audit (JSON): {files.json}")
    print(f"Model card:   {files.model_card}")
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
    audit.add_argument("--scores", help="CSV or Parquet file: one row per case")
    audit.add_argument("--outcome", help="column of the recorded outcome (0/1)")
    audit.add_argument("--score", help="column of the tool's probabilities in [0, 1]")
    audit.add_argument("--prediction", help="column of the tool's decisions (0/1), if any")
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
    report.set_defaults(run=_report)
