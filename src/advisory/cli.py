"""The ``advisory`` command line.

Every command has ``--help``; errors are one line naming the problem and the
fix, with a non-zero exit code, and a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisory._checks import check_int
from advisory._cli_audit import add_commands as add_audit_commands
from advisory._cli_context import add_commands as add_context_commands
from advisory._cli_link import add_commands as add_link_commands
from advisory._cli_options import add_date_format, add_force, add_mapping
from advisory._cli_oversight import add_commands as add_oversight_commands
from advisory._cli_oversight import demo_oversight
from advisory._errors import AdvisoryError, SmallDataWarning
from advisory._files import atomic_file, atomic_folder, check_output
from advisory._optional import require_extras
from advisory._progress import progress, show_progress
from advisory._version import __version__

if TYPE_CHECKING:
    from advisory.context import CaseContext
    from advisory.definitions import Definitions
    from advisory.fairness import Audit

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    n_cases = check_int(args.cases, "n_cases", "make_multiagency", minimum=1)
    require_extras("explain", "fairness", "tracking", feature="advisory demo")
    out = check_output(args.out, kind="folder", force=args.force, what="output folder (--out)")
    with atomic_folder(out, force=args.force) as folder:
        log_run = _demo_into(args, n_cases, folder, out)
    log_run()  # the MLflow store holds absolute paths: it is written where it stays
    return 0


def _demo_into(
    args: argparse.Namespace, n_cases: int, out: Path, shown_as: Path
) -> Callable[[], None]:
    from advisory import Advisor
    from advisory.context import build_context
    from advisory.datasets import make_multiagency
    from advisory.definitions import load_definitions, reference_root
    from advisory.reports import write_report

    print(f"Generating synthetic multi-agency records for {n_cases:,} referrals ...")
    started = time.perf_counter()
    data: Any
    if args.extracts:
        from advisory._cli_link import linked_demo_records

        data, summary, attach_linkage = linked_demo_records(n_cases, args.seed)
    else:
        data = make_multiagency(n_cases=n_cases, seed=args.seed)
        summary = data.summary()
    print(summary)
    print(f"  generated in {time.perf_counter() - started:.1f} s")

    definitions = load_definitions(reference_root())
    print(f"\nBuilding case context with the model specification {definitions.spec.name!r} ...")
    started = time.perf_counter()
    context = build_context(data, definitions)
    context_summary = context.summary()
    print(context_summary)
    print(f"  built in {time.perf_counter() - started:.1f} s")
    shown = _example_case(context, list(context.cases["case_id"]))
    print(f"\nOne case, as of its reference date ({shown}):")
    print(_household_text(context.case(shown)))

    order = context.cases.sort_values(["reference_date", "case_id"], kind="stable")["case_id"]
    cut = round(0.7 * len(order))
    earlier, later = [str(c) for c in order[:cut]], [str(c) for c in order[cut:]]
    print(
        f"\nTraining the {definitions.spec.family} model on the earlier {len(earlier):,} "
        f"referrals and validating it against simple baselines on later ones ..."
    )
    started = time.perf_counter()
    advisor = Advisor(definitions).fit(data, earlier)
    validation = advisor.validate(data)
    print(validation.to_frame().round(3).to_string())
    for verdict in validation.verdicts.values():
        print(f"  {verdict}")
    print(f"  trained and validated in {time.perf_counter() - started:.1f} s")

    print(
        "\nPre-visit briefs for two later referrals the model has not seen "
        "(no score, rank or threshold; the same number of questions for each):"
    )
    example = _example_case(context, later)
    reviews = advisor.review(data, case_ids=_review_examples(context, example, later))
    for review in reviews:
        print("\n" + review.to_text())

    print(f"\nAuditing the model on the later {len(later):,} referrals for the ethics board ...")
    started = time.perf_counter()
    audit = advisor.audit(data, later, validation=validation)
    if args.extracts:  # the board report's "who is missing from the household picture"
        audit = attach_linkage(audit)
    files = write_report(audit, out / "report")
    print(_audit_summary(audit))
    print(
        f"  audited in {time.perf_counter() - started:.1f} s; "
        f"report: {shown_as / 'report' / files.html.name}"
    )

    (out / "summary.txt").write_text(summary + "\n\n" + context_summary + "\n", encoding="utf-8")
    context.factors.to_csv(out / "factors.csv")
    context.gaps.to_csv(out / "gaps.csv", index=False)
    validation.to_frame().to_csv(out / "validation.csv")
    with atomic_file(out / "reviews.jsonl") as handle:
        for review in reviews:
            handle.write(review.to_json() + "\n")
    demo_oversight(out, seed=args.seed, shown_as=shown_as)
    print(
        f"\nWritten to {shown_as}: summary.txt, factors.csv (NaN = unknown), gaps.csv, "
        "validation.csv, reviews.jsonl, report/ (board report, audit.json, model card), "
        "oversight.db and oversight/ (the oversight trail and its page for the board)"
    )

    def log_run() -> None:
        from advisory.tracking import log_training_run

        print("\nLogging the training run to MLflow ...")
        logged = log_training_run(
            advisor,
            data,
            tracking_uri=args.tracking_uri or f"sqlite:///{shown_as.resolve() / 'mlflow.db'}",
            validation=validation,
            audit=audit,
            register_as="advisory-review",
        )
        print(f"  run {logged.run_id} in {logged.tracking_uri}")
        print(
            f"  pyfunc model returning reviews (never scores): models:/{logged.registered_name}/"
            f"{logged.registered_version} ({logged.model_uri})"
        )

    return log_run


def _review_examples(context: CaseContext, first: str, among: list[str]) -> list[str]:
    """Pick the example case and another case with a recorded police notification."""
    allowed = set(among)
    police = context.provenance[context.provenance["agency"] == "police"]["case_id"]
    others = [c for c in police.unique() if c != first and c in allowed]
    return [first, *others[:1]]


def _example_case(context: CaseContext, among: list[str]) -> str:
    """Pick a case with a household of several people and at least one data gap."""
    allowed = set(among)
    sizes = context.household.groupby("case_id").size()
    with_gaps = set(context.gaps["case_id"])
    candidates = [c for c in sizes[sizes >= 3].index if c in with_gaps and c in allowed]
    return str(candidates[0] if candidates else among[0])


def _audit_summary(audit: Audit) -> str:
    """Summarise in a few plain lines what the audit found, for the terminal."""
    lines = [f"  {audit.n_cases:,} cases; intervals at {audit.confidence:.0%}, "]
    lines[0] += f"{audit.n_boot:,} bootstrap replicates; groups under {audit.min_cell_size} "
    lines[0] += "cases suppressed."
    found = len(audit.differences_with_evidence())
    lines.append(
        f"  group differences with evidence (any metric, difference to reference): {found}"
    )
    parity = audit.to_dict()["parity"] or {}
    for kind in ("attribution", "callouts"):
        rows = parity.get(kind, [])
        shown = [r for r in rows if r.get("assessment", "").endswith("than the reference group")]
        lines.append(f"  {kind} parity: {len(shown)} factor-group differences with evidence")
    lines.extend(f"  note: {note}" for note in audit.notes)
    return "\n".join(lines)


def _household_text(one: CaseContext) -> str:
    import pandas as pd

    lines = ["  household on the reference date (each person separately):"]
    events = one.household_events
    for member in one.household.to_dict("records"):
        person = str(member["person_id"])
        own = events[(events["person_id"] == person) & (events["events"] > 0)]
        recent = ", ".join(f"{a} {n}" for a, n in zip(own["agency"], own["events"], strict=True))
        age = "age unknown" if pd.isna(member["age"]) else f"age {int(member['age'])}"
        lines.append(
            f"    {person}  {member['relationship']}, {age}; records in the last year: "
            f"{recent or 'none'}"
        )
    lines.append("  what the data could not see:")
    for gap in one.gaps.to_dict("records"):
        person = gap["person_id"]
        who = f" of {person} ({gap['relationship']})" if isinstance(person, str) else ""
        agency = gap["agency"] if isinstance(gap["agency"], str) else "records"
        lines.append(f"    {agency}{who}: {gap['reason']}")
    if one.gaps.empty:
        lines.append("    no gaps in the shared records (records never capture everything)")
    return "\n".join(lines)


def _generate(args: argparse.Namespace) -> int:
    from advisory.context._io import write_records
    from advisory.datasets import make_multiagency

    n_cases = check_int(args.cases, "n_cases", "make_multiagency", minimum=1)
    out = check_output(args.out, kind="folder", force=args.force, what="output folder (--out)")
    data = make_multiagency(n_cases=n_cases, seed=args.seed)
    with atomic_folder(out, force=args.force) as folder:
        write_records(data, folder)
    print(data.summary())
    print(f"Records written to {out} (one CSV file per table).")
    return 0


def _check(args: argparse.Namespace) -> int:
    from advisory._checks import MIN_TRAINING_CASES, MIN_TRAINING_OUTCOMES
    from advisory.context import SCHEMA, apply_mapping, find_problems, read_mapping
    from advisory.context._io import read_record_tables
    from advisory.definitions import load_definitions, reference_root

    root = Path(args.definitions) if args.definitions else reference_root()
    definitions = load_definitions(root)
    mapping = read_mapping(args.mapping, definitions) if args.mapping else None
    tables, problems = read_record_tables(args.records)
    tables = apply_mapping(tables, mapping)
    outcome = definitions.spec.outcome.column
    missing = [f"The records have no {name!r} table" for name in SCHEMA if name not in tables]
    problems += [
        p
        for p in find_problems(
            tables, definitions.catalogue, date_format=args.date_format, outcome_column=outcome
        )
        if not str(p).startswith(tuple(missing))
    ]
    if problems:
        for i, problem in enumerate(problems, 1):
            print(f"{i}. {_one_line(problem)}")
        print(
            f"{args.records}: {len(problems)} problem{'s' if len(problems) > 1 else ''} found "
            "(fixing them may reveal others that depend on them). See docs/records.md."
        )
        return 2
    cases = tables["cases"]
    print(
        f"{args.records}: the records follow the contract: {len(tables['people']):,} people, "
        f"{len(tables['memberships']):,} household stays, "
        f"{len(tables['relationships']):,} relationships, {len(tables['events']):,} events, "
        f"{len(tables['coverage']):,} coverage periods, {len(cases):,} cases."
    )
    if outcome not in cases.columns:
        print(f"  no outcome column {outcome!r}: the cases can be reviewed, not trained on.")
    else:
        known = cases[outcome].dropna().astype(str).str.strip().str.lower()
        with_outcome = int(known.isin(["1", "1.0", "true"]).sum())
        without = len(known) - with_outcome
        print(f"  outcome {outcome!r}: {with_outcome:,} with, {without:,} without.")
        if len(known) < MIN_TRAINING_CASES or min(with_outcome, without) < MIN_TRAINING_OUTCOMES:
            print(
                f"  training would warn: below {MIN_TRAINING_CASES} cases or "
                f"{MIN_TRAINING_OUTCOMES} of each outcome value, figures will be unstable."
            )
    return 0


def _records(args: argparse.Namespace, definitions: Definitions) -> dict[str, Any]:
    """Read the records folder, with the mapping file's translations when one is given."""
    from advisory.context import apply_mapping, read_mapping, read_records

    mapping = read_mapping(args.mapping, definitions) if args.mapping else None
    return apply_mapping(read_records(args.records, date_format=args.date_format), mapping)


def _train(args: argparse.Namespace) -> int:
    from advisory import Advisor
    from advisory.definitions import reference_root

    root = Path(args.definitions) if args.definitions else reference_root()
    params = {"n_resamples": check_int(args.resamples, "resamples", "advisory train", minimum=2)}
    out = check_output(
        args.out,
        inputs=[args.records, root],
        kind="folder",
        force=args.force,
        what="bundle folder (--out)",
    )
    advisor = Advisor.from_definitions(root, model_params={**params, "random_state": 0})
    records = _records(args, advisor.definitions)
    print(f"Training on {len(records['cases']):,} cases with the definitions in {root} ...")
    advisor.fit(records)
    with atomic_folder(out, force=args.force) as folder:
        advisor.save(folder)
    print(f"Model bundle written to {out} ({advisor.model_version_}).")
    return 0


def _review(args: argparse.Namespace) -> int:
    import advisory
    from advisory._host import definitions_of
    from advisory.context._io import read_case_ids

    inputs = [args.bundle, args.records, *([args.cases] if args.cases else [])]
    out = check_output(args.out, inputs=inputs, force=args.force, what="output file (--out)")
    wanted = read_case_ids(args.cases) if args.cases else None
    advisor = advisory.load(args.bundle, trusted=args.trust or ())
    records = _records(args, definitions_of(advisor))
    index = advisor.index(records)
    for problem in index.problems.itertuples(index=False):
        print(f"note: {problem.rows:,} {problem.problem}", file=sys.stderr)
    case_ids = list(records["cases"]["case_id"].astype(str)) if wanted is None else wanted
    step = max(1, min(1_000, len(case_ids) // 10 or 1))
    batches = progress(range(0, len(case_ids), step), desc="reviewing", unit="batch")
    with atomic_file(out) as handle:
        for start in batches:
            for review in advisor.review(index, case_ids[start : start + step]):
                handle.write(review.to_json() + "\n")
    print(f"{len(case_ids):,} reviews written to {out} (JSON Lines; no scores).")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisory",
        description=(
            "Transparent, explained models that prompt a practitioner's review. "
            "advisory never produces a risk score, rank, band or threshold for a case."
        ),
    )
    parser.add_argument("--version", action="version", version=f"advisory {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show a full traceback when something fails"
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log each step (-vv: more detail)"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only: no progress, no summaries"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run the end-to-end demo on synthetic records",
        description=(
            "Generate synthetic multi-agency records, build each case's context as of its "
            "reference date, and show one case's household and data gaps."
        ),
    )
    demo.add_argument("--out", default="advisory-demo", help="folder for the demo's outputs")
    add_force(demo)
    demo.add_argument("--cases", type=int, default=5_000, help="number of synthetic referrals")
    demo.add_argument("--seed", type=int, default=0, help="seed of the synthetic records")
    demo.add_argument(
        "--extracts",
        action="store_true",
        help="start from per-agency extracts (own ids, recording errors) and link them first",
    )
    demo.add_argument(
        "--tracking-uri",
        help="MLflow tracking URI (default: a local store under --out, mlflow.db and mlruns/)",
    )
    demo.set_defaults(run=_demo)

    generate = commands.add_parser(
        "generate",
        help="write synthetic multi-agency records as CSV files",
        description="Write synthetic records (one CSV file per table) to a folder.",
    )
    generate.add_argument("--out", required=True, help="folder for the record files")
    add_force(generate)
    generate.add_argument("--cases", type=int, default=5_000, help="number of referrals")
    generate.add_argument("--seed", type=int, default=0, help="seed")
    generate.set_defaults(run=_generate)

    check = commands.add_parser(
        "check",
        help="check a records folder against the records contract, listing every problem",
        description=(
            "Read a records folder and check it against the records contract "
            "(docs/records.md): tables, columns, identifiers, dates, vocabularies and the "
            "rules across tables. Every problem is listed at once; nothing is trained. "
            "Exit code 0 when the records can be used, 2 when there are problems."
        ),
    )
    check.add_argument("--records", required=True, help="folder of record tables (CSV/Parquet)")
    add_date_format(check)
    add_mapping(check)
    check.add_argument(
        "--definitions", help="folder with models/, explain/, fairness/ (default: reference)"
    )
    check.set_defaults(run=_check)

    train = commands.add_parser(
        "train",
        help="fit a model on records and save a reviewed bundle",
        description=(
            "Build case context from a records folder, fit the model specification's "
            "family and save a model bundle (skops, no pickle)."
        ),
    )
    train.add_argument("--records", required=True, help="folder of record tables (CSV/Parquet)")
    train.add_argument("--out", required=True, help="bundle folder to write")
    add_force(train)
    add_date_format(train)
    add_mapping(train)
    train.add_argument(
        "--definitions", help="folder with models/, explain/, fairness/ (default: reference)"
    )
    train.add_argument("--resamples", type=int, default=30, help="bootstrap refits (>= 2)")
    train.set_defaults(run=_train)

    review = commands.add_parser(
        "review",
        help="review cases with a bundle: JSON Lines of review prompts, never scores",
        description="Load a bundle and write one review (JSON) per case.",
    )
    review.add_argument("--bundle", required=True, help="bundle folder from 'advisory train'")
    review.add_argument("--records", required=True, help="folder of record tables")
    review.add_argument("--cases", help="CSV file with a case_id column (default: all cases)")
    review.add_argument("--out", required=True, help="JSON Lines file to write")
    add_force(review)
    add_date_format(review)
    add_mapping(review)
    review.add_argument(
        "--trust", action="append", help="an extra type to trust in the bundle (repeatable)"
    )
    review.set_defaults(run=_review)
    add_context_commands(commands)
    add_audit_commands(commands)
    add_link_commands(commands)
    add_oversight_commands(commands)
    return parser


def _show_warning(message: Warning | str, *_: object, **__: object) -> None:
    print(f"advisory: warning: {message}", file=sys.stderr)


@contextlib.contextmanager
def _output(verbose: int, quiet: bool) -> Iterator[None]:
    """Log the steps to standard error with ``-v``; print nothing but errors with ``-q``."""
    logger = logging.getLogger("advisory")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("advisory: %(message)s"))
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    saved = logger.level
    mlflow_logger = logging.getLogger("mlflow")  # its own start-up messages, with -q
    saved_mlflow = mlflow_logger.level
    if quiet or verbose:
        logger.addHandler(handler)
        logger.setLevel(level)
    if quiet:
        mlflow_logger.setLevel(logging.WARNING)
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(warnings.catch_warnings())
            warnings.simplefilter("always", SmallDataWarning)
            warnings.showwarning = _show_warning
            if quiet:
                stack.enter_context(show_progress(False))
                stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
            yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)
        mlflow_logger.setLevel(saved_mlflow)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``advisory`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a problem with the input or an
        output (one line on standard error, a traceback only with
        ``--debug``), 130 when interrupted (Ctrl-C; no output is left
        half-written), 1 for an unexpected error.

    Examples
    --------
    A bad argument gives a one-line message on standard error and exit code 2:

    >>> main(["demo", "--cases", "-1", "--out", "/tmp/advisory-doctest"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        with _output(args.verbose, args.quiet):
            code: int = args.run(args)
    except AdvisoryError as exc:
        if args.debug:
            raise
        print(f"advisory: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("\nadvisory: interrupted; no output was written or changed.", file=sys.stderr)
        return 130
    except OSError as exc:
        if args.debug:
            raise
        print(f"advisory: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"advisory: unexpected {type(exc).__name__}: {_one_line(exc)} (this is a bug; "
            "run again with --debug for the traceback and report it). No output was changed.",
            file=sys.stderr,
        )
        return 1
    return code


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
