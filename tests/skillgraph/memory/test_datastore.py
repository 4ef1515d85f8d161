"""The SQLite datastore: persistence, merging, ids, generations, and a writer killed mid-write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skillgraph.memory import ExampleStore, LabelledExample
from tests.skillgraph.memory.conftest import PYTHON, SQL

ROOT = Path(__file__).resolve().parents[3]


def vectors(n: int, seed: int = 0) -> np.ndarray:
    found = np.random.default_rng(seed).normal(size=(n, 8)).astype(np.float32)
    return found / np.linalg.norm(found, axis=1, keepdims=True)


@pytest.fixture
def store(tmp_path: Path) -> ExampleStore:
    return ExampleStore(tmp_path / "memory" / "m.sqlite3")


def test_reading_a_missing_store_creates_nothing(store):
    assert store.count() == 0 and store.examples(10) == [] and store.generation() is None
    assert store.contents("enc").examples == {}
    assert not store.path.exists()


def test_examples_and_vectors_survive_reopening(store):
    added = store.add(
        [LabelledExample("You know Python.", (PYTHON,), (SQL,), "test")], vectors(1), "enc"
    )
    assert added[0].merged is False and added[0].example.id == 1
    store.close()
    reopened = ExampleStore(store.path)
    (example,) = reopened.examples(10)
    assert (example.id, example.text, example.skills, example.negatives, example.source) == (
        1,
        "You know Python.",
        (PYTHON,),
        (SQL,),
        "test",
    )
    contents = reopened.contents("enc")
    assert contents.ids.tolist() == [1] and contents.missing == ()
    np.testing.assert_array_equal(contents.vectors, vectors(1))
    # Vectors are per encoder: another one finds the example without a vector.
    assert reopened.contents("other").missing == (1,)


def test_the_same_text_merges_into_one_example_with_the_same_id(store):
    first = store.add([LabelledExample("You know Python.", (PYTHON,))], vectors(1), "enc")
    again = store.add([LabelledExample("you  know python.", (SQL,))], vectors(1, 1), "enc")
    assert again[0].merged and again[0].example.id == first[0].example.id
    assert again[0].example.skills == (PYTHON, SQL)
    assert again[0].example.text == "You know Python."  # the first wording stays
    assert store.count() == 1


def test_removed_ids_are_gone_and_never_reused(store):
    store.add([LabelledExample(f"text {i}", (PYTHON,)) for i in range(3)], vectors(3), "enc")
    assert store.remove(2) and not store.remove(2)
    assert store.get(2) is None
    (added,) = store.add([LabelledExample("text 3", (PYTHON,))], vectors(1), "enc")
    assert added.example.id == 4
    assert [e.id for e in store.examples(10)] == [1, 3, 4]
    assert store.contents("enc").ids.tolist() == [1, 3, 4]  # vectors went with the example


def test_every_write_changes_the_generation_seen_by_other_connections(store):
    store.add([LabelledExample("a", (PYTHON,))], vectors(1), "enc")
    other = ExampleStore(store.path)
    before = other.generation()
    store.add([LabelledExample("b", (PYTHON,))], vectors(1), "enc")
    after = other.generation()
    assert after != before and after.store == before.store
    store.remove(1)
    assert other.generation() != after and other.count() == 1


def test_a_failed_batch_stores_nothing(store):
    with pytest.raises(ValueError, match="vectors"):
        store.add([LabelledExample("a", (PYTHON,))], vectors(2), "enc")
    with pytest.raises(TypeError):  # the second example cannot be stored
        store.add(
            [LabelledExample("a", (PYTHON,)), LabelledExample("b", (object(),))],  # type: ignore[arg-type]
            vectors(2),
            "enc",
        )
    assert store.count() == 0


WRITER = """
import sys
from pathlib import Path
import numpy as np
from skillgraph.memory import ExampleStore, LabelledExample
store, batch = ExampleStore(Path(sys.argv[1])), int(sys.argv[2])
for n in range(10_000):
    texts = [f"example {n}-{i} " + "words " * 100 for i in range(batch)]
    examples = [LabelledExample(text, ("uri",)) for text in texts]
    store.add(examples, np.random.rand(batch, 384).astype(np.float32), "enc")
    print(n, flush=True)
"""


def test_a_writer_killed_mid_write_leaves_a_readable_store(store):
    batch = 300
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store.path), str(batch)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        committed = [writer.stdout.readline() for _ in range(4)]
        assert committed[-1].strip() == "3", committed
        os.kill(writer.pid, signal.SIGKILL)  # the writer spends its time inside a transaction
    finally:
        writer.kill()
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    count = store.count()
    assert count >= 4 * batch and count % batch == 0  # whole batches only
    contents = store.contents("enc")
    assert contents.missing == () and len(contents.ids) == count
    assert store.add([LabelledExample("after the crash", ("uri",))], vectors(1), "x")
    assert store.count() == count + 1
