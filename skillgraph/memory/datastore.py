"""The datastore: annotated examples and their vectors in one SQLite file.

SQLite in WAL mode, every write one ``BEGIN IMMEDIATE`` transaction: a process killed mid-write
leaves the last committed state, readers never wait for writers, and several processes (an API
server, a ``skillgraph memory add``) can share one file. Each write bumps a generation number,
so a process notices another's writes with one cheap read. Vectors are keyed by encoder (name
and weights fingerprint): a memory read with another encoder re-embeds the stored texts.

The file is created by the first write; until then the store reads as empty.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skillgraph.errors import DatastoreError
from skillgraph.memory.examples import (
    AddedExample,
    LabelledExample,
    StoredExample,
    merge_labels,
    text_key,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_VECTOR_DTYPE = np.dtype("<f4")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS examples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: a removed id is never reused
    key TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    skills TEXT NOT NULL,  -- JSON list of skill URIs
    negatives TEXT NOT NULL,
    source TEXT NOT NULL,
    added REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    example_id INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
    encoder TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (example_id, encoder)
);
"""
_COLUMNS = "id, text, skills, negatives, source, added"


@dataclass(frozen=True, slots=True)
class Generation:
    """Identifies what a store held at one moment; changes with every committed write."""

    store: str  # random id of the file, so a deleted and re-created file reads as new
    number: int


@dataclass(frozen=True, slots=True)
class StoreContents:
    """Everything one encoder needs from the store, read in one consistent snapshot."""

    generation: Generation | None
    examples: dict[int, StoredExample]
    ids: np.ndarray  # int64: the examples that have a vector for the encoder
    vectors: np.ndarray  # float32, one row per id
    missing: tuple[int, ...]  # examples without a vector for the encoder


class ExampleStore:
    def __init__(self, path: Path, busy_timeout: float = 30.0) -> None:
        self.path = path
        self._busy_timeout = busy_timeout
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.RLock()  # one connection, shared by the threads of a server

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- reading -------------------------------------------------------------------------

    def generation(self) -> Generation | None:
        with self._reading() as db:
            return None if db is None else _generation(db)

    def count(self) -> int:
        with self._reading() as db:
            return 0 if db is None else db.execute("SELECT count(*) FROM examples").fetchone()[0]

    def get(self, example_id: int) -> StoredExample | None:
        with self._reading() as db:
            if db is None:
                return None
            row = db.execute(
                f"SELECT {_COLUMNS} FROM examples WHERE id = ?", (example_id,)
            ).fetchone()
            return None if row is None else _example(row)

    def examples(self, limit: int, offset: int = 0) -> list[StoredExample]:
        with self._reading() as db:
            if db is None:
                return []
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM examples ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
            )
            return [_example(row) for row in rows]

    def meta(self, key: str) -> str | None:
        with self._reading() as db:
            if db is None:
                return None
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])

    def contents(self, encoder: str) -> StoreContents:
        with self._reading() as db:
            if db is None:
                empty = np.zeros((0, 0), dtype=np.float32)
                return StoreContents(None, {}, np.zeros(0, dtype=np.int64), empty, ())
            examples = {
                row[0]: _example(row)
                for row in db.execute(f"SELECT {_COLUMNS} FROM examples ORDER BY id")
            }
            rows = db.execute(
                "SELECT example_id, vector FROM vectors WHERE encoder = ? ORDER BY example_id",
                (encoder,),
            ).fetchall()
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            blob = b"".join(r[1] for r in rows)
            width = len(rows[0][1]) // _VECTOR_DTYPE.itemsize if rows else 0
            vectors = np.frombuffer(blob, dtype=_VECTOR_DTYPE).reshape(len(rows), width)
            with_vectors = set(ids.tolist())
            missing = tuple(i for i in examples if i not in with_vectors)
            return StoreContents(
                _generation(db), examples, ids, vectors.astype(np.float32), missing
            )

    # -- writing -------------------------------------------------------------------------

    def add(
        self, examples: Sequence[LabelledExample], vectors: np.ndarray, encoder: str
    ) -> list[AddedExample]:
        """Store checked examples with their vectors, all or nothing. An example whose text is
        already stored is merged into it (see :func:`merge_labels`) and keeps its id."""
        if len(examples) != len(vectors):
            raise ValueError(f"{len(examples)} examples but {len(vectors)} vectors")
        added: list[AddedExample] = []
        now = time.time()
        with self._writing() as db:
            for example, vector in zip(examples, vectors, strict=True):
                key = text_key(example.text)
                row = db.execute(f"SELECT {_COLUMNS} FROM examples WHERE key = ?", (key,))
                held = row.fetchone()
                if held is None:
                    cursor = db.execute(
                        "INSERT INTO examples (key, text, skills, negatives, source, added) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            key,
                            example.text,
                            json.dumps(example.skills),
                            json.dumps(example.negatives),
                            example.source,
                            now,
                        ),
                    )
                    stored = StoredExample(
                        int(cursor.lastrowid or 0),
                        example.text,
                        example.skills,
                        example.negatives,
                        example.source,
                        now,
                    )
                    merged = False
                else:
                    old = _example(held)
                    skills, negatives = merge_labels(
                        (old.skills, old.negatives), (example.skills, example.negatives)
                    )
                    db.execute(
                        "UPDATE examples SET skills = ?, negatives = ? WHERE id = ?",
                        (json.dumps(skills), json.dumps(negatives), old.id),
                    )
                    stored = StoredExample(
                        old.id, old.text, skills, negatives, old.source, old.added
                    )
                    merged = True
                db.execute(
                    "INSERT OR IGNORE INTO vectors (example_id, encoder, vector) VALUES (?, ?, ?)",
                    (stored.id, encoder, _blob(vector)),
                )
                added.append(AddedExample(stored, merged))
        return added

    def put_vectors(self, ids: Sequence[int], vectors: np.ndarray, encoder: str) -> None:
        """Store vectors of examples already stored (those removed meanwhile are skipped)."""
        with self._writing() as db:
            db.executemany(
                "INSERT OR IGNORE INTO vectors (example_id, encoder, vector) "
                "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM examples WHERE id = ?)",
                [(i, encoder, _blob(v), i) for i, v in zip(ids, vectors, strict=True)],
            )

    def remove(self, example_id: int) -> bool:
        with self._writing() as db:
            return db.execute("DELETE FROM examples WHERE id = ?", (example_id,)).rowcount > 0

    def set_meta(self, key: str, value: str) -> None:
        with self._writing() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A read transaction (one snapshot of the file), or None while there is no file."""
        with self._lock:
            db = self._connect(create=False)
            if db is None:
                yield None
                return
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._connect(create=True)
            assert db is not None
            # IMMEDIATE takes the write lock now, so two writers queue instead of deadlocking.
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._connection is not None:
            return self._connection
        if not create and not self.path.is_file():
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,  # transactions are explicit
                check_same_thread=False,  # guarded by self._lock
            )
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            _initialise(db)
        except sqlite3.DatabaseError as exc:
            raise DatastoreError(f"cannot open the example datastore {self.path}: {exc}") from exc
        self._connection = db
        return db


def _initialise(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in filter(str.strip, _SCHEMA.split(";")):
            db.execute(statement)
        version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version is None:
            db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("schema", SCHEMA_VERSION), ("store", uuid.uuid4().hex), ("generation", 0)],
            )
        elif int(version[0]) != SCHEMA_VERSION:
            raise DatastoreError(
                f"example datastore schema {version[0]}, this version reads {SCHEMA_VERSION}"
            )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _generation(db: sqlite3.Connection) -> Generation:
    values = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('store', 'generation')"))
    return Generation(str(values["store"]), int(values["generation"]))


def _example(row: tuple) -> StoredExample:
    example_id, text, skills, negatives, source, added = row
    return StoredExample(
        int(example_id),
        text,
        tuple(json.loads(skills)),
        tuple(json.loads(negatives)),
        source,
        float(added),
    )


def _blob(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype=_VECTOR_DTYPE).tobytes()
