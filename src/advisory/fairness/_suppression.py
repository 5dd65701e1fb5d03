"""Small-cell suppression, primary and secondary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["suppress"]


def suppress(
    cells: Mapping[tuple[str, ...], tuple[int, int]], min_cell_size: int
) -> set[tuple[str, ...]]:
    """Cells to withhold in one table of groups.

    Parameters
    ----------
    cells : mapping
        Every cell of the table (all combinations of the attributes' groups,
        empty ones included), as a key tuple to ``(n, positives)``.
    min_cell_size : int
        Cells with fewer cases are suppressed.

    Returns
    -------
    set of tuple
        Primary suppression: ``n < min_cell_size``, or no positives, or no
        negatives (zeros are disclosive). Secondary suppression: along every
        line of the table (one attribute varying, the others fixed; for one
        attribute, the whole table), a line with exactly one suppressed cell
        also loses its smallest visible cell, so the suppressed count cannot be
        recovered from the line's total; repeated until no line changes.

    Examples
    --------
    >>> cells = {("a",): (50, 5), ("b",): (40, 4), ("c",): (3, 1)}
    >>> sorted(suppress(cells, 10))
    [('b',), ('c',)]
    """
    hidden = {key for key, (n, pos) in cells.items() if n < min_cell_size or pos == 0 or pos == n}
    width = len(next(iter(cells))) if cells else 0
    lines: list[list[tuple[str, ...]]] = []
    for axis in range(width):
        by_rest: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for key in cells:
            by_rest.setdefault(key[:axis] + key[axis + 1 :], []).append(key)
        lines.extend(by_rest.values())
    changed = True
    while changed:
        changed = False
        for line in lines:
            changed |= _secondary(line, cells, hidden)
    return hidden


def _secondary(
    line: Sequence[tuple[str, ...]],
    cells: Mapping[tuple[str, ...], tuple[int, int]],
    hidden: set[tuple[str, ...]],
) -> bool:
    if sum(key in hidden for key in line) != 1:
        return False
    visible = [key for key in line if key not in hidden]
    if not visible:
        return False
    hidden.add(min(visible, key=lambda key: (cells[key][0], key)))
    return True
