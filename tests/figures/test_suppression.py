"""Small-cell suppression: the rule table by table, and an observer who tries to work the small
cells out from everything shown (and from the rule itself) and fails."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.suppression import Cell, Mark, Protected, derivable, protect, shown

S, W = Mark.SMALL, Mark.WITHHELD


def display(result: Protected) -> list[int | str]:
    return [cell.value if cell.value is not None else cell.text for cell in result.cells]


@pytest.mark.parametrize(
    ("counts", "total", "hidden", "cells", "total_shown"),
    [
        # Nothing small: everything shown.
        ([5, 10, 0], 15, 0, [5, 10, 0], 15),
        # Without a total, a small cell cannot be recovered: "<5" is enough.
        ([3, 10, 12], None, 0, ["<5", 10, 12], None),
        # With the total, one small cell would be 25 - 10 - 12: the two smallest others go.
        ([3, 10, 12, 20], 45, 0, ["<5", "..", "..", 20], 45),
        # Two small cells, whatever their values (1 + 1 would pin both).
        ([1, 1, 10, 12], 24, 0, ["<5", "<5", "..", ".."], 24),
        # Zeros stay: withholding a zero hides nothing (3 + 0 is the only way to make 3).
        ([3, 0, 10, 7, 30], 50, 0, ["<5", 0, "..", "..", 30], 50),
        # Persons with protected identity (hidden) are in the total only; three of them would be
        # the total minus the cells, so cells are withheld.
        ([10, 12, 8], 33, 3, ["..", 12, ".."], 33),
        # Five or more hidden: known to the observer (it may show elsewhere); nothing small.
        ([10, 12], 27, 5, [10, 12], 27),
        # 1 + 5 + 5 = 11 would pin the small cell (5 is the least a withheld cell can be): the
        # total goes.
        ([1, 5, 5], 11, 0, ["<5", "..", ".."], ".."),
        # A table of one small cell: the total would be that cell, so the total goes.
        ([1], 1, 0, ["<5"], ".."),
        ([0, 0, 2], 2, 0, [0, 0, "<5"], ".."),
    ],
)
def test_protect_shows_what_may_be_shown(
    counts: list[int],
    total: int | None,
    hidden: int,
    cells: list[int | str],
    total_shown: int | str | None,
) -> None:
    result = protect(counts, total=total, hidden=hidden)
    assert display(result) == cells
    if total_shown is None:
        assert result.total is None
    else:
        assert result.total is not None
        assert (result.total.value if result.total.value is not None else result.total.text) == (
            total_shown
        )


def test_a_lone_count_is_shown_from_five_and_as_zero() -> None:
    assert [shown(n) for n in (0, 1, 4, 5)] == [
        Cell(0),
        Cell(None, Mark.SMALL),
        Cell(None, Mark.SMALL),
        Cell(5),
    ]


def test_the_total_must_add_up() -> None:
    with pytest.raises(ValueError, match="total"):
        protect([1, 2], total=4)
    with pytest.raises(ValueError, match="negative"):
        protect([-1, 2])


def test_the_observer_model_finds_a_lone_small_cell() -> None:
    assert derivable([3, 10, 12], [S, Mark.SHOWN, Mark.SHOWN], total=25) == {0}
    assert derivable([3, 10, 12], [S, W, W], total=25) == set()
    assert derivable([1, 5, 5], [S, W, W], total=11) == {0}
    assert derivable([10, 12], [Mark.SHOWN, Mark.SHOWN], total=25, hidden=3) == {-1}


# --- The attack --------------------------------------------------------------------------------


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 0:
        return [()] if total == 0 else []
    return [
        (first, *rest)
        for first in range(total + 1)
        for rest in _compositions(total - first, parts - 1)
    ]


def candidates(published: Protected, total: int, hidden: int) -> list[tuple[int, ...]]:
    """Every table the observer cannot tell from the true one: each way of filling the hidden
    cells (any value, not only what the rule's model allows) that, protected by the same rule,
    publishes exactly the same page. The hidden count is known unless it is small."""
    unknown = [i for i, cell in enumerate(published.cells) if cell.value is None]
    known = [cell.value or 0 for cell in published.cells]
    hidden_values = range(1, 5) if 0 < hidden < 5 else [hidden]
    found = []
    for hidden_guess in hidden_values:
        rest = total - sum(known) - hidden_guess
        if rest < 0:
            continue
        for filling in _compositions(rest, len(unknown)):
            guess = list(known)
            for i, value in zip(unknown, filling, strict=True):
                guess[i] = value
            if protect(guess, total=total, hidden=hidden_guess) == published:
                found.append((*guess, hidden_guess))
    return found


def assert_no_small_cell_recovered(counts: Sequence[int], hidden: int) -> None:
    total = sum(counts) + hidden
    published = protect(counts, total=total, hidden=hidden)
    assert published.total is not None
    if published.total.value is None:
        return  # without the total there is nothing to subtract from
    tables = candidates(published, total, hidden)
    assert (*counts, hidden) in tables
    for i, count in enumerate([*counts, hidden]):
        if 0 < count < 5:
            values = {table[i] for table in tables}
            assert len(values) > 1, f"cell {i} of {counts} (hidden {hidden}) is always {count}"


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([3, 10, 12], 0),
        ([1, 1, 10, 12], 0),
        ([3, 0, 10], 0),
        ([2, 7], 0),
        ([4, 5, 5], 0),
        ([10, 12], 3),
        ([1, 6, 0, 9], 2),
        ([4, 4, 4, 4], 0),
    ],
)
def test_an_observer_cannot_recover_a_small_cell_from_the_total(
    counts: list[int], hidden: int
) -> None:
    assert_no_small_cell_recovered(counts, hidden)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=4),
    st.integers(min_value=0, max_value=6),
)
def test_no_small_cell_is_recovered_from_any_small_table(counts: list[int], hidden: int) -> None:
    assert_no_small_cell_recovered(counts, hidden)


def test_the_attack_itself_finds_an_unprotected_cell() -> None:
    """The observer is able: shown without secondary suppression, the small cell is found."""
    naive = Protected((Cell(None, S), Cell(10), Cell(12)), Cell(25))
    unknown_fillings = [table for table in itertools.product(range(26), repeat=1)]
    matches = [value for (value,) in unknown_fillings if value + 10 + 12 == 25]
    assert matches == [3]
    assert naive.cells[0].value is None
