"""The ``advisory oversight`` commands: init, simulate, report, decisions, drift, verify, switch."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from advisory._errors import InputError
from advisory._files import check_output, write_text

__all__ = ["add_commands", "demo_oversight"]


def _open(args: argparse.Namespace) -> Any:
    from advisory.oversight import Store

    return Store.open(args.db)


def _init(args: argparse.Namespace) -> int:
    with _open(args) as store:
        print(f"Oversight trail ready at {store.url} (schema {store.schema_revision}).")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from advisory.datasets import simulate_oversight
    from advisory.oversight import record_simulated

    simulated = simulate_oversight(args.reviews, seed=args.seed)
    with _open(args) as store:
        n = record_simulated(store, simulated, model_version=args.model_version)
        print(
            f"Recorded {len(simulated.reviews):,} simulated reviews and {n:,} responses "
            f"in {store.url}."
        )
    return 0


def _write_atomic(path: Path, text: str, force: bool) -> None:
    if path.exists() and not force:
        raise InputError(f"{path} exists; pass --force to replace it.")
    write_text(path, text)


def _check_outputs(args: argparse.Namespace, *outputs: str | None, inputs: list[Any]) -> None:
    """Refuse, before any work, an output that is an input, exists or cannot be written.

    An existing output is replaced only with --force; the trail's database is
    an input when it is given as a file path.
    """
    db = getattr(args, "db", None)
    if isinstance(db, str) and "://" not in db:
        inputs = [*inputs, db]
    for output in outputs:
        if output:
            check_output(
                output, inputs=[i for i in inputs if i], force=args.force, what="output file"
            )


def _report(args: argparse.Namespace) -> int:
    from advisory.oversight import monitor

    out = Path(args.out)
    _check_outputs(args, args.out, args.html, inputs=[args.groups])
    groups = None
    if args.groups:
        from advisory.context._io import read_table

        groups = read_table(args.groups, text_columns=["case_id"])
    with _open(args) as store:
        result = monitor(store, groups=groups, quick_seconds=args.quick_seconds)
    _write_atomic(out, result.to_json() + "\n", args.force)
    if args.html:
        from advisory.reports import render_oversight_html

        _write_atomic(Path(args.html), render_oversight_html(result), args.force)
        print(f"Oversight section (HTML): {args.html}")
    print(f"{result.n_reviews:,} reviews, {result.n_responses:,} responses.")
    for finding in result.findings:
        print(f"- {finding.text}")
    if not result.findings:
        print("- Nothing to report: no team or prompt crossed the monitor's settings.")
    print(result.note)
    print(f"Oversight section (JSON): {out}")
    return 0


def _drift(args: argparse.Namespace) -> int:
    from advisory.context._io import read_table
    from advisory.definitions import load_audit_policy, reference_root
    from advisory.oversight import drift

    out = Path(args.out)
    _check_outputs(args, args.out, inputs=[args.audited, args.new, args.policy])
    if args.switch_off_when_due and not (args.db and args.model_version and args.by):
        raise InputError("--switch-off-when-due needs --db, --model-version and --by.")
    policy_path = args.policy or reference_root() / "fairness" / "reference.toml"
    policy = load_audit_policy(policy_path)
    audited = read_table(args.audited, text_columns=["case_id"])
    new = read_table(args.new, text_columns=["case_id"])
    factors = args.factor or None
    if factors is None:
        skip = {"case_id", args.expected, args.outcome}
        factors = [c for c in audited.columns if c in new.columns and c not in skip]
    result = drift(
        audited, new, factors=factors, policy=policy, expected=args.expected,
        outcome=args.outcome, random_state=args.seed,
    )  # fmt: skip
    _write_atomic(out, result.to_json() + "\n", args.force)
    print(result.statement)
    if result.reaudit_due and args.switch_off_when_due:
        with _open(args) as store:
            store.switch_off(args.model_version, reason=result.statement, by=args.by)
        print(f"Model version {args.model_version!r} is switched off in {args.db}.")
    print(f"Drift check (JSON): {out}")
    return 0


def _decisions(args: argparse.Namespace) -> int:
    from advisory.context import read_records
    from advisory.oversight import link_decisions

    out = Path(args.out)
    _check_outputs(args, args.out, inputs=[args.linked])
    folder = Path(args.linked)
    records = read_records(folder / "records" if (folder / "records").is_dir() else folder)
    links = records.get("uncertain_links")
    if links is None:
        raise InputError(
            f"{folder} holds no uncertain_links table; pass the output folder of 'advisory link' "
            "(or its records/ folder) that the reviews were made from."
        )
    with _open(args) as store:
        decisions = link_decisions(store, links, records=records, since=args.since)
    _write_atomic(out, decisions.table.to_csv(index=False), args.force)
    counts = decisions.table["decision"].value_counts()
    print(
        f"{len(decisions):,} link decisions from the trail ({counts.get('confirmed', 0):,} "
        f"confirmed, {counts.get('rejected', 0):,} rejected) written to {out}; pass it to "
        "'advisory link --decisions'."
    )
    return 0


def demo_oversight(out: Path, seed: int = 0, *, shown_as: Path | None = None) -> None:
    """Run the demo's oversight part: simulated practitioners, the board's page, drift.

    Writes ``oversight.db`` (replaced on each run) and ``oversight/`` (the
    board's oversight page and its JSON) under ``out``; paths are printed under
    ``shown_as`` (where ``out`` will be once the demo's folder is complete).
    """
    from advisory.datasets import simulate_oversight
    from advisory.oversight import Store, drift, monitor, record_simulated
    from advisory.reports import write_oversight_report

    print("\nRecording simulated practitioners' responses in the oversight trail ...")
    simulated = simulate_oversight(900, seed=seed)
    database = out / "oversight.db"
    for stale in (database, *out.glob("oversight.db-*")):
        stale.unlink(missing_ok=True)  # the demo's own trail, from an earlier run
    with Store.open(database) as store:
        n = record_simulated(store, simulated)
        watched = monitor(store, groups=simulated.reviews[["case_id", "group"]])
        verified = store.verify()
    factors = simulated.factors.drop(columns="case_id")
    audited = factors[factors["period"] == "audited"].drop(columns="period")
    later = factors[factors["period"] == "later_shifted"].drop(columns="period")
    checked = drift(audited, later, expected="expected", outcome="outcome")
    files = write_oversight_report(watched, out / "oversight", drift=checked)
    print(f"  {n:,} responses; {verified.problem}")
    for finding in watched.findings:
        print(f"  - {finding.text}")
    print(f"  Drift in the simulated later period: {checked.statement}")
    page = (shown_as or out) / "oversight" / files["html"].name
    print(f"  Oversight page for the board: {page}")


def _verify(args: argparse.Namespace) -> int:
    with _open(args) as store:
        result = store.verify()
    print(result.problem)
    print(f"Head hash: {result.head}")
    return 0 if result.ok else 1


def _switch(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if args.oversight_command == "switch-off":
            store.switch_off(args.model_version, reason=args.reason, by=args.by)
            print(f"Model version {args.model_version!r} is switched off: it gives no reviews.")
        else:
            store.switch_on(args.model_version, reason=args.reason, by=args.by)
            print(f"Model version {args.model_version!r} is switched on again.")
    return 0


def add_commands(commands: Any) -> None:
    """Add ``oversight`` and its subcommands to the command line."""
    oversight = commands.add_parser(
        "oversight",
        help="the oversight trail: record, monitor and verify what practitioners do",
        description=(
            "The append-only, hash-chained oversight trail in SQLite (a file) or PostgreSQL "
            "(a URL): create it, record simulated responses, write the monitor's section for "
            "the board, verify the chain, switch a model version off or on."
        ),
    )
    verbs = oversight.add_subparsers(dest="oversight_command", required=True, metavar="COMMAND")

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = verbs.add_parser(name, help=help_text)
        parser.add_argument(
            "--db",
            required=True,
            help="SQLite file or database URL (sqlite:///trail.db, postgresql+psycopg://...)",
        )
        return parser

    verb("init", "create or upgrade the trail's schema").set_defaults(run=_init)
    simulate = verb("simulate", "record simulated practitioners' reviews and responses")
    simulate.add_argument("--reviews", type=int, default=900, help="number of reviews")
    simulate.add_argument("--seed", type=int, default=0, help="seed")
    simulate.add_argument("--model-version", default="simulated-1", help="model version")
    simulate.set_defaults(run=_simulate)
    report = verb("report", "write the monitor's oversight section (JSON) and print findings")
    report.add_argument("--out", required=True, help="JSON file to write")
    report.add_argument("--html", help="also write the board's oversight page (HTML) here")
    report.add_argument("--groups", help="CSV/Parquet: case_id and the child's group columns")
    report.add_argument(
        "--quick-seconds", type=float, default=10.0, help="seconds of a quick agreement"
    )
    report.add_argument("--force", action="store_true", help="replace an existing output")
    report.set_defaults(run=_report)
    decisions = verb(
        "decisions",
        "write practitioners' answers to records to confirm as link decisions (CSV)",
    )
    decisions.add_argument(
        "--linked", required=True, help="the 'advisory link' output the reviews were made from"
    )
    decisions.add_argument("--out", required=True, help="CSV file for 'advisory link --decisions'")
    decisions.add_argument("--since", help="only responses on or after this ISO 8601 date")
    decisions.add_argument("--force", action="store_true", help="replace an existing output")
    decisions.set_defaults(run=_decisions)
    check = verbs.add_parser(
        "drift", help="compare new cases with the audited ones; say if a re-audit is due"
    )
    check.add_argument("--audited", required=True, help="CSV/Parquet: the audited cases' factors")
    check.add_argument("--new", required=True, help="CSV/Parquet: the new cases' factors")
    check.add_argument("--factor", action="append", help="a factor column (default: all shared)")
    check.add_argument("--policy", help="audit policy TOML with [drift] (default: reference)")
    check.add_argument("--expected", help="column of the model's expected rate")
    check.add_argument("--outcome", help="column of the later outcome (0/1), where known")
    check.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    check.add_argument("--out", required=True, help="JSON file to write")
    check.add_argument("--force", action="store_true", help="replace an existing output")
    check.add_argument("--db", help="the oversight trail, to switch the model version off")
    check.add_argument("--model-version", help="the model version checked")
    check.add_argument("--by", help="pseudonymous id of who runs the check")
    check.add_argument(
        "--switch-off-when-due",
        action="store_true",
        help="switch the model version off in the trail when a re-audit is due",
    )
    check.set_defaults(run=_drift)
    verb("verify", "check every record's hash and link (exit 1 if altered)").set_defaults(
        run=_verify
    )
    for name, words in (("switch-off", "switch a model version off"),
                        ("switch-on", "switch a model version back on")):  # fmt: skip
        switch = verb(name, words)
        switch.add_argument("--model-version", required=True, help="the model version")
        switch.add_argument("--reason", required=True, help="why, in words")
        switch.add_argument("--by", required=True, help="pseudonymous id of who decided")
        switch.set_defaults(run=_switch)
