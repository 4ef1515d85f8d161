import pytest

from services.batch.parallel import map_batches, slices


def sizes_handed(batch: list[int]) -> list[tuple[int, int]]:
    """Each row with the size of the slice it came in (module level: workers import it)."""
    return [(row, len(batch)) for row in batch]


@pytest.mark.parametrize(
    ("rows", "parts", "lengths"),
    [
        (7, 2, [4, 3]),
        (32, 2, [16, 16]),
        (26, 3, [9, 9, 8]),
        (2, 3, [1, 1]),
        (1, 1, [1]),
    ],
)
def test_slices_cut_in_order_into_lengths_one_apart(rows, parts, lengths):
    batch = list(range(rows))
    cut = slices(batch, parts)
    assert [len(part) for part in cut] == lengths
    assert [row for part in cut for row in part] == batch


def test_a_pool_hands_each_worker_a_slice_and_joins_the_batch_in_order():
    batches = [list(range(0, 32)), list(range(32, 58))]
    found = list(map_batches(sizes_handed, batches, workers=2))
    assert [[row for row, _ in done] for done in found] == batches
    assert {size for done in found for _, size in done} == {16, 13}


def test_one_worker_hands_whole_batches():
    batches = [list(range(0, 32)), list(range(32, 58))]
    found = list(map_batches(sizes_handed, batches, workers=1))
    assert [{size for _, size in done} for done in found] == [{32}, {26}]
