"""Small-cell suppression: primary, and secondary over every linked table at once.

An audit publishes several tables of the same cases: one per sensitive
attribute, one per intersection, and the sections built on them (parity,
proxies, and later linkage and oversight). A count withheld in one table can
be worked out from the others: a margin minus the published cells of its
line, in any direction, or any sum and difference of such lines. Every
table of one population is therefore suppressed jointly (:func:`suppress_jointly`):
the hidden cells of all tables are protected against every linear
combination of published totals, not only against one line at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["CountTable", "Key", "recoverable", "suppress", "suppress_jointly"]

Key = tuple[str, ...]
#: A cell of one of the tables: (table index, key).
Cell = tuple[int, Key]


@dataclass(frozen=True)
class CountTable:
    """One published table of counts, and the cells withheld from it first.

    Attributes
    ----------
    attributes : tuple of str
        The attributes whose groups key the cells (one for a single
        attribute, two or more for an intersection), in key order.
    counts : mapping
        Every cell (all combinations of the groups, empty ones included) to
        its count.
    hidden : frozenset of tuple
        Primary suppression: cells withheld for their own sake.
    population : str, default="cases"
        What is counted. Only tables of the same population are margins of
        each other (a table of linked records is not a margin of a table of
        cases).

    Examples
    --------
    >>> sex = CountTable(("sex",), {("F",): 40, ("M",): 5}, frozenset({("M",)}))
    >>> sex.attributes, len(sex.counts)
    (('sex',), 2)
    """

    attributes: tuple[str, ...]
    counts: Mapping[Key, int]
    hidden: frozenset[Key] = field(default_factory=frozenset)
    population: str = "cases"


@dataclass(frozen=True)
class _Equation:
    """Published: the cells of ``line`` sum to ``margin`` (or to the grand total if None)."""

    line: tuple[Cell, ...]
    margin: Cell | None

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.line if self.margin is None else (*self.line, self.margin)


def _constraints(tables: Sequence[CountTable]) -> list[_Equation]:
    """Every published equation between cells.

    A line of a table is its cells with one attribute varying and the others
    fixed; its total is the cell of the table over the other attributes (the
    grand total, always published, for a table of one attribute). Tables over
    the same attributes are the same cells counted twice: each cell equals
    its twin (a line of one cell).
    """
    by_attributes: dict[tuple[str, frozenset[str]], list[int]] = {}
    for i, t in enumerate(tables):
        by_attributes.setdefault((t.population, frozenset(t.attributes)), []).append(i)
    out: list[_Equation] = []
    for i, t in enumerate(tables):
        for axis, attribute in enumerate(t.attributes):
            rest = tuple(a for a in t.attributes if a != attribute)
            margins = by_attributes.get((t.population, frozenset(rest)), []) if rest else []
            if rest and not margins:
                continue  # the line's total is not published
            lines: dict[Key, list[Cell]] = {}
            for key in t.counts:
                lines.setdefault(key[:axis] + key[axis + 1 :], []).append((i, key))
            for rest_key, line in lines.items():
                margin: Cell | None = None
                if rest:
                    value = dict(zip(rest, rest_key, strict=True))
                    margin = (margins[0], tuple(value[a] for a in tables[margins[0]].attributes))
                out.append(_Equation(tuple(line), margin))
    for members in by_attributes.values():
        first = tables[members[0]]
        for other in members[1:]:
            names = tables[other].attributes
            for key in first.counts:
                value = dict(zip(first.attributes, key, strict=True))
                twin = tuple(value[a] for a in names)
                out.append(_Equation(((members[0], key),), (other, twin)))
    return out


def _equations(constraints: Sequence[_Equation], unknown: Sequence[Cell]) -> np.ndarray:
    """Coefficients of the hidden cells in every equation (one row each)."""
    column = {c: j for j, c in enumerate(unknown)}
    rows = np.zeros((len(constraints), len(unknown)))
    for r, eq in enumerate(constraints):
        for c in eq.line:
            if c in column:
                rows[r, column[c]] += 1.0
        if eq.margin in column:
            rows[r, column[eq.margin]] -= 1.0
    return rows


def recoverable(tables: Sequence[CountTable], hidden: Sequence[Iterable[Key]]) -> list[Cell]:
    """Hidden cells whose exact count follows from what is published.

    The published counts give one linear equation per line of every table
    (the line's cells sum to its margin cell or to the grand total). A
    hidden cell is recoverable exactly when its count is the same in every
    solution of those equations, that is when the null space of the
    equations' coefficients on the hidden cells is zero at that cell.

    Parameters
    ----------
    tables : sequence of CountTable
        The tables as published.
    hidden : sequence of sets of tuple
        The cells withheld from each table, in the same order.

    Returns
    -------
    list of (int, tuple)
        ``(table index, key)`` of each recoverable hidden cell.

    Examples
    --------
    >>> sex = CountTable(("sex",), {("F",): 40, ("M",): 5})
    >>> recoverable([sex], [{("M",)}])
    [(0, ('M',))]
    >>> recoverable([sex], [{("M",), ("F",)}])
    []
    """
    unknown = [(i, key) for i, cells in enumerate(hidden) for key in sorted(cells)]
    if not unknown:
        return []
    rows = _equations(_constraints(tables), unknown)
    rows = rows[np.any(rows != 0, axis=1)]
    if not len(rows):
        return []
    _, singular, vt = np.linalg.svd(rows)
    rank = int(np.sum(singular > 1e-9 * max(1.0, float(singular[0]))))
    null = vt[rank:]
    free = np.linalg.norm(null, axis=0) if len(null) else np.zeros(len(unknown))
    return [c for c, f in zip(unknown, free, strict=True) if f < 1e-9]


def suppress_jointly(tables: Sequence[CountTable]) -> list[set[Key]]:
    """Cells to withhold from every table so that none can be worked out.

    Starting from each table's primary suppression, cells published twice
    (tables over the same attributes) are withheld everywhere if withheld
    anywhere; then, while a withheld cell is the only unknown of a line, or
    is pinned down by any combination of lines (:func:`recoverable`), the
    smallest published cell of one of its lines is withheld too.

    Parameters
    ----------
    tables : sequence of CountTable
        Every table published from the same cases: single attributes,
        intersections and any section's tables over the same groups.

    Returns
    -------
    list of sets of tuple
        The cells to withhold from each table, in order.

    Examples
    --------
    >>> eth = CountTable(("eth",), {("A",): 300, ("B",): 120, ("C",): 6}, frozenset({("C",)}))
    >>> [sorted(h) for h in suppress_jointly([eth])]
    [[('B',), ('C',)]]
    """
    hidden = [set(t.hidden) for t in tables]
    constraints = _constraints(tables)
    twins = [eq.cells for eq in constraints if len(eq.line) == 1 and eq.margin is not None]

    def hide(cell: Cell) -> None:
        hidden[cell[0]].add(cell[1])
        for pair in twins:  # a cell counted twice is hidden in both tables or neither
            if cell in pair:
                for i, key in pair:
                    hidden[i].add(key)

    for pair in twins:
        for cell in pair:
            if cell[1] in hidden[cell[0]]:
                hide(cell)

    def size(cell: Cell) -> tuple[int, int, Key]:
        return (int(tables[cell[0]].counts[cell[1]]), cell[0], cell[1])

    def widen(cell: Cell) -> bool:
        """Withhold the smallest published cell of the longest line through ``cell``.

        Cells of a line are withheld before its margin: a margin is a coarser
        group (all girls, all disabled children) that the board needs most, and
        withholding one margin of a two-group attribute withholds the other too.
        """
        lines = sorted((e for e in constraints if cell in e.cells), key=lambda e: -len(e.line))
        for eq in lines:
            visible = [c for c in eq.line if c[1] not in hidden[c[0]]]
            if visible:
                hide(min(visible, key=size))
                return True
        for eq in lines:
            if eq.margin is not None and eq.margin[1] not in hidden[eq.margin[0]]:
                hide(eq.margin)
                return True
        return False

    while True:
        changed = False
        for eq in constraints:
            unknown = [c for c in eq.cells if c[1] in hidden[c[0]]]
            if len(unknown) == 1 and widen(unknown[0]):
                changed = True
        if changed:
            continue
        pinned = recoverable(tables, hidden)
        if not pinned or not widen(pinned[0]):
            return hidden


def suppress(cells: Mapping[Key, tuple[int, int]], min_cell_size: int) -> set[Key]:
    """Cells to withhold in one table of groups on its own.

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
        negatives (zeros are disclosive); then secondary suppression within
        the table by :func:`suppress_jointly` (the grand total is published;
        the table's own lower margins are not assumed).

    Examples
    --------
    >>> cells = {("a",): (50, 5), ("b",): (40, 4), ("c",): (3, 1)}
    >>> sorted(suppress(cells, 10))
    [('b',), ('c',)]
    """
    primary = {key for key, (n, pos) in cells.items() if n < min_cell_size or pos in (0, n)}
    width = len(next(iter(cells))) if cells else 1
    names = tuple(f"_{j}" for j in range(width))
    table = CountTable(names, {k: v[0] for k, v in cells.items()}, frozenset(primary))
    return suppress_jointly([table])[0]
