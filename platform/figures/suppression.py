"""Small-cell suppression without I/O: which counts of a table may be shown.

DESIGN.md: no published cell is smaller than 5. A count from 1 to 4 is *small* and shown as "<5"
(primary suppression). That alone is not enough when the table shows its total: the total minus
the cells shown would give the small one back. So, whenever a table with its total has a small
cell, its two smallest other cells (not zero) are *withheld* too (secondary suppression, shown as
".."); and when an observer who knows the total, every shown cell and this very rule could still
pin down a small cell, the total is withheld as well.

The observer's knowledge, as ``derivable`` models it:
- a small cell is somewhere in 1..4;
- a withheld cell is 5 or more, and (withheld cells are taken smallest first) at most the
  smallest cell still shown that is not zero;
- the hidden count (persons with protected identity, counted in the total but in no cell of a
  breakdown) is known exactly unless it is itself small: it may show in another table, so it is
  assumed known;
- the cells and the hidden count add up to the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

THRESHOLD: Final = 5  # the smallest count that may be shown
WITHHELD_CELLS: Final = 2  # withheld beside small cells when a total is shown


class Mark(StrEnum):
    SHOWN = ""
    SMALL = "<5"  # 1..4
    WITHHELD = ".."  # withheld so that no small count can be worked out


@dataclass(frozen=True)
class Cell:
    """A count as it may be published: ``value`` is None unless the mark is SHOWN."""

    value: int | None
    mark: Mark = Mark.SHOWN

    @property
    def text(self) -> str:
        """The mark, or '' for a shown value (which the caller formats with Babel)."""
        return str(self.mark)


@dataclass(frozen=True)
class Protected:
    cells: tuple[Cell, ...]
    total: Cell | None


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def shown(count: int) -> Cell:
    """A lone count (no table around it): small counts become "<5"."""
    return Cell(None, Mark.SMALL) if is_small(count) else Cell(count)


def protect(counts: Sequence[int], *, total: int | None = None, hidden: int = 0) -> Protected:
    """The cells of a one-dimensional table as they may be shown.

    ``total`` is the total shown with the table (None: none is shown, or the cells do not add up
    to one, as when a person counts in several cells); it includes ``hidden``, the count that
    is in no cell.
    """
    if any(count < 0 for count in counts) or hidden < 0:
        raise ValueError("counts are never negative")
    if total is not None and total != sum(counts) + hidden:
        raise ValueError("the total must be the cells plus the hidden count")
    marks = [Mark.SMALL if is_small(count) else Mark.SHOWN for count in counts]
    total_mark = Mark.SHOWN
    if total is not None and (Mark.SMALL in marks or is_small(hidden)):
        # Always the same number of cells, chosen by what stays public: had the choice depended
        # on whether the small cells could be worked out, the choice itself would tell.
        nonzero = [i for i, count in enumerate(counts) if count and marks[i] is Mark.SHOWN]
        for i in sorted(nonzero, key=lambda i: (counts[i], i))[:WITHHELD_CELLS]:
            marks[i] = Mark.WITHHELD
        if derivable(counts, marks, total=total, hidden=hidden):
            total_mark = Mark.WITHHELD
    cells = tuple(
        Cell(count if mark is Mark.SHOWN else None, mark)
        for count, mark in zip(counts, marks, strict=True)
    )
    if total is None:
        return Protected(cells, None)
    return Protected(cells, Cell(total if total_mark is Mark.SHOWN else None, total_mark))


def derivable(
    counts: Sequence[int], marks: Sequence[Mark], *, total: int, hidden: int = 0
) -> set[int]:
    """The small cells (by index; -1 is the hidden count) whose value the observer can work out
    from the total and the cells shown (see the module's docstring)."""
    shown_at = [(i, count) for i, count in enumerate(counts) if marks[i] is Mark.SHOWN]
    residual = total - sum(count for _, count in shown_at)
    small_range: Domain = ((1, THRESHOLD - 1),)
    domains: dict[int, Domain] = {}
    for i, mark in enumerate(marks):
        if mark is Mark.SMALL:
            domains[i] = small_range
        elif mark is Mark.WITHHELD:
            # Taken before every shown cell that is not zero (by value, then by position).
            ceiling = min((count - (j < i) for j, count in shown_at if count), default=residual)
            domains[i] = ((THRESHOLD, ceiling),)
    if is_small(hidden):
        domains[-1] = small_range
    else:
        residual -= hidden
    small = [i for i, domain in domains.items() if domain is small_range]
    return {i for i in small if len(possible_values(domains, i, residual)) <= 1}


# The values a cell can take, as inclusive ranges.
Domain = tuple[tuple[int, int], ...]


def possible_values(domains: Mapping[int, Domain], cell: int, residual: int) -> set[int]:
    """The values of ``cell`` for which the other unknown cells can make up ``residual``."""
    others = _reachable_sums([domain for key, domain in domains.items() if key != cell], residual)
    return {
        value
        for low, high in domains[cell]
        for value in range(low, min(high, residual) + 1)
        if others >> (residual - value) & 1
    }


def _reachable_sums(domains: Sequence[Domain], limit: int) -> int:
    """The sums the domains can make, up to ``limit``, as a bit set (bit n: n is reachable)."""
    mask = (1 << (limit + 1)) - 1
    sums = 1
    for domain in domains:
        reached = 0
        for low, high in domain:
            reached |= _spread(sums, high - low, mask) << low
        sums = reached & mask
    return sums


def _spread(bits: int, width: int, mask: int) -> int:
    """bits | bits << 1 | ... | bits << width, by doubling (a range of thousands stays fast)."""
    spread, covered = bits, 0
    while covered < width:
        step = min(covered + 1, width - covered)
        spread = (spread | spread << step) & mask
        covered += step
    return spread
