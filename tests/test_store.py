"""The SQLite archive: idempotent ingest, versions, FTS5, one transaction per ingest."""

from __future__ import annotations

import sqlite3

import pytest

from threadpress.load import parse_bytes
from threadpress.store import MIGRATIONS, Store

from moa_text import moa_text

COMMENTS = [
    ("Mina_77", "Opening comment about the talks in Geneva."),
    ("Rowan Ashgrove", "{f1}—\nThe talks will fail, says the minister."),
    ("Łukasz", "@Rowan Ashgrove not so fast."),
]


def thread(comments=COMMENTS):
    return parse_bytes(moa_text(comments).encode(), name="t.txt")


def dump(path) -> list:
    con = sqlite3.connect(path)
    out = []
    for table in ("threads", "comments", "comment_versions", "edges"):
        out.append(con.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall())
    con.close()
    return out


def test_schema_is_versioned_with_wal_and_fts5(tmp_path):
    with Store(tmp_path / "a.db") as s:
        assert s.schema_version == len(MIGRATIONS)
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        sql = s.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'comments_fts'").fetchone()[0]
        assert "fts5" in sql.lower()


def test_reingest_changes_nothing(tmp_path):
    path = tmp_path / "a.db"
    with Store(path) as s:
        first = s.ingest(thread())
        assert (first.added, first.changed) == (3, 0)
    before = dump(path)
    with Store(path) as s:
        again = s.ingest(thread())
    assert (again.added, again.changed, again.unchanged, again.edges_changed) == (0, 0, 3, False)
    assert dump(path) == before


def test_changed_body_is_a_new_version_beside_the_old(tmp_path):
    with Store(tmp_path / "a.db") as s:
        t = thread()
        s.ingest(t)
        edited = [COMMENTS[0], ("Rowan Ashgrove", "{f1}—\nThe talks will fail. [Edited: they did.]"), COMMENTS[2]]
        r = s.ingest(thread(edited))
        assert (r.added, r.changed, r.unchanged) == (0, 1, 2)
        versions = s.versions(t.id, "2")
        assert [v["version"] for v in versions] == [1, 2]
        assert "says the minister" in versions[0]["text"] and "they did" in versions[1]["text"]
        stored = s.load_thread(t.id)
        assert "they did" in stored.comments[1].text
        # FTS follows the current text: the new words are found, the old ones are gone.
        hits = lambda q: [r[0] for r in s.conn.execute(
            "SELECT c.id FROM comments_fts f JOIN comments c ON c.pk = f.rowid WHERE comments_fts MATCH ?", (q,))]
        assert hits("did") == ["2"] and hits("minister") == []


def test_load_roundtrip_keeps_edges_and_fields(tmp_path):
    with Store(tmp_path / "a.db") as s:
        t = thread()
        s.ingest(t)
        back = s.load_thread(t.id)
    assert [(c.number, c.author, c.created_at, c.text) for c in back.comments] == \
           [(c.number, c.author, c.created_at, c.text) for c in t.comments]
    assert [[(e.target_id, e.how, e.confidence) for e in c.parents] for c in back.comments] == \
           [[(e.target_id, e.how, round(e.confidence, 6)) for e in c.parents] for c in t.comments]


def test_failed_ingest_rolls_back(tmp_path):
    path = tmp_path / "a.db"
    t = thread()
    with Store(path) as s:
        # Edges are written last: failing there must undo the thread and comments written before.
        s.conn.execute("CREATE TRIGGER boom BEFORE INSERT ON edges BEGIN SELECT RAISE(ABORT, 'boom'); END")
        with pytest.raises(sqlite3.DatabaseError):
            s.ingest(t)
        assert s.counts() == {"threads": 0, "comments": 0, "comment_versions": 0, "edges": 0}


def test_resolve_id_by_prefix(tmp_path):
    with Store(tmp_path / "a.db") as s:
        t = thread()
        s.ingest(t)
        short = t.id.split(":")[1][:6]
        assert s.resolve_id(short) == t.id
        assert s.resolve_id(t.id) == t.id
        assert s.resolve_id("zzzz") is None
