"""The ``advisory link`` and ``advisory extracts`` commands."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from advisory._checks import check_int
from advisory._cli_options import add_date_format, add_force
from advisory._files import atomic_folder, check_output

if TYPE_CHECKING:
    from advisory.fairness import Audit

__all__ = ["add_commands"]


def _link(args: argparse.Namespace) -> int:
    from advisory.linkage import (
        LinkDecisions,
        link_extracts,
        load_linkage_spec,
        read_extracts,
        reference_linkage_spec,
    )

    inputs = [args.extracts] + [p for p in (args.spec, args.decisions) if p]
    out = check_output(args.out, inputs=inputs, force=args.force, kind="folder", what="--out")
    spec = load_linkage_spec(args.spec) if args.spec else reference_linkage_spec()
    decisions = LinkDecisions.read_csv(args.decisions) if args.decisions else None
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", flush=True)

    progress(f"reading the extracts in {args.extracts}")
    data = read_extracts(args.extracts)
    spark = None
    if args.backend == "spark":
        from advisory.linkage import local_spark_session

        spark = local_spark_session()
    result = link_extracts(
        data,
        spec,
        backend=args.backend,
        spark=spark,
        decisions=decisions,
        date_format=args.date_format,
        progress=progress,
    )
    progress(f"writing {out}")
    result.write(out, force=args.force)
    print(result.summary())
    print(
        f"Written to {out}: records/ (the tables 'advisory review' reads, with "
        "uncertain_links.csv), links.csv, uncertain_links.csv, unlinked.csv, accounting.csv, "
        "pairs.csv, diagnostics/ (splink's model and charts)"
    )
    return 0


def _extracts(args: argparse.Namespace) -> int:
    from advisory.datasets import make_agency_extracts

    n_cases = check_int(args.cases, "n_cases", "make_agency_extracts", minimum=1)
    out = check_output(args.out, force=args.force, kind="folder", what="--out")
    extracts = make_agency_extracts(n_cases=n_cases, seed=args.seed)
    with atomic_folder(out, force=args.force) as staging:
        extracts.write(staging)
    print(
        f"Wrote synthetic extracts of {len(extracts.people)} agencies "
        f"({extracts.n_records:,} person records) to {out}; the true links are not written."
    )
    return 0


def linked_demo_records(n_cases: int, seed: int) -> tuple[Any, str, Callable[[Audit], Audit]]:
    """Synthetic per-agency extracts, linked with the reference specification, for the demo.

    Returns the linked records (what ``build_context`` reads, with the records
    to confirm), a summary of the extracts and the linkage, and a function
    that attaches the linkage quality by ethnicity (against the planted
    truth, at the audit's cell size and confidence) to an audit, for the
    board report's "who is missing from the household picture".
    """
    from advisory.datasets import make_agency_extracts
    from advisory.linkage import link_extracts

    started = time.perf_counter()
    extracts = make_agency_extracts(n_cases=n_cases, seed=seed)
    print(
        f"  {extracts.n_records:,} person records in {len(extracts.people)} agencies' extracts, "
        "no shared identifier; linking them with splink ..."
    )

    def progress(message: str) -> None:
        print(f"  [{time.perf_counter() - started:6.1f} s] {message}", flush=True)

    result = link_extracts(extracts, progress=progress)

    def with_linkage_quality(audit: Audit) -> Audit:
        from advisory.fairness import linkage_quality

        quality = linkage_quality(
            result,
            truth=extracts.truth.links,
            min_cell_size=audit.min_cell_size,
            confidence_level=audit.confidence,
        )
        return audit.with_sections(linkage=quality)

    return result.records, result.summary(), with_linkage_quality


def add_commands(commands: Any) -> None:
    """Add ``link`` and ``extracts`` to the command line's subcommands."""
    link = commands.add_parser(
        "link",
        help="link the people of agency extracts with splink into records for review",
        description=(
            "Link each agency's people (own ids, names, dates of birth, postcodes, NHS numbers "
            "where held) into linked people with splink, from a reviewable linkage "
            "specification. Uncertain links become records to confirm; records that could not "
            "be linked are reported. Output is written atomically."
        ),
    )
    link.add_argument(
        "--extracts", required=True, help="folder with one sub-folder per agency (people, events)"
    )
    link.add_argument("--spec", help="linkage specification TOML (default: the reference)")
    link.add_argument("--out", required=True, help="folder to write (must not exist)")
    link.add_argument("--decisions", help="CSV of practitioners' confirmed and rejected links")
    add_date_format(link)
    link.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    add_force(link)
    link.set_defaults(run=_link)

    extracts = commands.add_parser(
        "extracts",
        help="write synthetic per-agency extracts with planted linkage errors",
        description="Write synthetic extracts, one folder per agency, for trying 'advisory link'.",
    )
    extracts.add_argument("--out", required=True, help="folder for the extracts")
    extracts.add_argument("--cases", type=int, default=2_000, help="number of referrals")
    extracts.add_argument("--seed", type=int, default=0, help="seed")
    add_force(extracts)
    extracts.set_defaults(run=_extracts)
