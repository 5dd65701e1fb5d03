"""Options shared by the command line's commands."""

from __future__ import annotations

import argparse

__all__ = ["add_date_format", "add_force", "add_mapping"]


def add_force(command: argparse.ArgumentParser) -> None:
    """Add ``--force``: replace an existing output (refused otherwise)."""
    command.add_argument(
        "--force",
        action="store_true",
        help="replace an existing output (without it, an existing output is never touched)",
    )


def add_date_format(command: argparse.ArgumentParser) -> None:
    """Add ``--date-format``: the strftime format of the records' dates (default ISO 8601)."""
    command.add_argument(
        "--date-format",
        help="format of the dates in the record files, e.g. %%d/%%m/%%Y (default: ISO 8601 "
        "such as 2024-03-31; dates are never guessed)",
    )


def add_mapping(command: argparse.ArgumentParser) -> None:
    """Add ``--mapping``: a TOML file translating local codes into the records contract's."""
    command.add_argument(
        "--mapping",
        metavar="FILE",
        help="TOML file translating local codes (e.g. outcome Yes/No -> 1/0, relationship "
        "codes) into the records contract's values; see docs/records.md",
    )
