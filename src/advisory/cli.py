"""The ``advisory`` command line.

Every command has ``--help``; errors are one line naming the problem and the
fix, with a non-zero exit code, and a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from advisory import __version__
from advisory._checks import check_int
from advisory._errors import AdvisoryError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from advisory.datasets import make_multiagency

    n_cases = check_int(args.cases, "n_cases", "make_multiagency", minimum=1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"Generating synthetic multi-agency records for {n_cases:,} referrals ...")
    started = time.perf_counter()
    data = make_multiagency(n_cases=n_cases, seed=args.seed)
    elapsed = time.perf_counter() - started
    summary = data.summary()
    print(summary)
    print(f"  generated in {elapsed:.1f} s")
    (out / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    print(f"\nSummary written to {out / 'summary.txt'}")
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
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run the end-to-end demo on synthetic records",
        description="Generate synthetic multi-agency records and summarise them.",
    )
    demo.add_argument("--out", default="advisory-demo", help="folder for the demo's outputs")
    demo.add_argument("--cases", type=int, default=5_000, help="number of synthetic referrals")
    demo.add_argument("--seed", type=int, default=0, help="seed of the synthetic records")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``advisory`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a problem with the input.

    Examples
    --------
    A bad argument gives a one-line message on standard error and exit code 2:

    >>> main(["demo", "--cases", "-1", "--out", "/tmp/advisory-doctest"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except AdvisoryError as exc:
        if args.debug:
            raise
        print(f"advisory: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
