"""Streaming ingest of big dumps (threadpress.dumps): SQLite with resume, Parquet staged into place."""

from __future__ import annotations

import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import weakref
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadpress.dumps import (
    DumpResult,
    arrow_columns,
    ingest_dump_sqlite,
    parquet_dataset,
    parquet_files,
    reading,
    sqlite_ingest,
    sqlite_writer,
    write_dump_parquet,
)
from threadpress.errors import InputError, ThreadpressError
from threadpress.sources.reddit_dump import _comment, build_thread, iter_comments
from threadpress.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "reddit_dump" / "comments.ndjson"
SUBMISSION = orjson.dumps({"id": "1xy9zz", "title": "Tide gauges &amp; you", "author": "tidal_clock",
                           "created_utc": 1709250000, "selftext": "Post body", "subreddit": "oceanography",
                           "permalink": "/r/oceanography/comments/1xy9zz/tide_gauges/"})


def zst(data: bytes) -> bytes:
    """Like the real dumps: a window above the decoder's default limit."""
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=28)
    return zstandard.ZstdCompressor(compression_params=params).compress(data)


def records(n: int, *, threads: int = 7, seed: int = 1, edited: set[int] = frozenset()) -> list[dict]:
    """n comments over `threads` threads, interleaved in time like a monthly file; replies nest.

    Ids grow with time (base 36, as Reddit's), some are deleted or removed, some bodies escape `&`.
    Comments whose index is in `edited` get a different body (a later crawl of the same comments).
    """
    rng = random.Random(seed)
    out, seen = [], [[] for _ in range(threads)]
    for i in range(n):
        t = rng.randrange(threads)
        cid = f"c{i:05d}"
        parent = f"t1_{rng.choice(seen[t])}" if seen[t] and rng.random() < 0.7 else f"t3_th{t}"
        seen[t].append(cid)
        body = f"comment {i} on thread {t}" + (" &amp; more" if i % 9 == 0 else "")
        if i % 17 == 0:
            body = "[deleted]"
        elif i % 23 == 0:
            body = " [removed] "
        if i in edited:
            body += " (edited)"
        out.append({"id": cid, "link_id": f"t3_th{t}", "parent_id": parent, "author": f"user{i % 11}",
                    "created_utc": 1_700_000_000 + i * 7, "body": body, "score": i % 5, "subreddit": "sub",
                    "permalink": f"/r/sub/comments/th{t}/x/{cid}/"})
    return out


def write(path: Path, recs: list[dict | bytes], *, compress: bool = True) -> Path:
    data = b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in recs)
    path.write_bytes(zst(data) if compress else data)
    return path


def table_dump(db: Path, *, volatile: bool = False) -> dict[str, list]:
    """Every row of the archive that Store.ingest and the dump ingest both write, without timestamps."""
    con = sqlite3.connect(db)
    out = {
        "threads": con.execute("SELECT id, source, url, title, author, published_at, body_html, meta"
                               " FROM threads ORDER BY id").fetchall(),
        "comments": con.execute(
            "SELECT thread_id, id, number, author, author_id, author_url, created_at, created_raw, tz, permalink,"
            " html, text, format, status, version, content_hash FROM comments ORDER BY thread_id, id").fetchall(),
        "versions": con.execute("SELECT thread_id, comment_id, version, author, html, text, status, content_hash"
                                " FROM comment_versions ORDER BY 1, 2, 3").fetchall(),
        "edges": con.execute("SELECT * FROM edges ORDER BY 1, 2, 3").fetchall(),
        # the index agrees with the rows (external content: check it, then what it finds)
        "fts": con.execute("INSERT INTO comments_fts(comments_fts) VALUES ('integrity-check')").fetchall()
        + con.execute("SELECT c.thread_id, c.id FROM comments_fts JOIN comments AS c ON c.pk = comments_fts.rowid"
                      " WHERE comments_fts MATCH 'comment OR tide OR edited OR user1' ORDER BY 1, 2").fetchall(),
    }
    if volatile:
        out["first_seen"] = con.execute("SELECT thread_id, id, first_seen FROM comments ORDER BY 1, 2").fetchall()
    con.close()
    return out


def reference(db: Path, *dump_files: Path) -> None:
    """The same dumps through Store.ingest: one Thread per link id, built by reddit_dump."""
    with Store(db) as store:
        for path in dump_files:
            data = path.read_bytes()
            if path.suffix == ".zst":
                data = zstandard.ZstdDecompressor(max_window_size=2**31).decompress(data)
            subs = {f"reddit:{obj['id']}": obj for obj in map(orjson.loads, data.splitlines())
                    if "title" in obj and "link_id" not in obj}
            groups: dict[str, list] = {}
            for tid, c in iter_comments(path):
                groups.setdefault(tid, []).append(c)
            for tid in sorted(set(groups) | set(subs)):
                store.ingest(build_thread(tid, groups.get(tid, []), submission=subs.get(tid)))


# -- SQLite ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("compress", [False, True], ids=["plain", "zst"])
def test_sqlite_stores_what_store_ingest_stores(tmp_path, compress):
    dump = write(tmp_path / ("RC.zst" if compress else "RC.ndjson"),
                 [*FIXTURE.read_bytes().splitlines(), SUBMISSION], compress=compress)
    with Store(tmp_path / "a.db") as store:
        r = ingest_dump_sqlite(store, dump)
    assert (r.comments, r.added, r.changed, r.threads, r.submissions, r.already_done) == (8, 8, 0, 2, 1, False)
    reference(tmp_path / "b.db", dump)
    got, want = table_dump(tmp_path / "a.db"), table_dump(tmp_path / "b.db")
    assert got == want
    assert got["threads"][0][3] == "Tide gauges & you"  # the submission line, after the comments
    assert [c[1:3] for c in got["comments"] if c[0] == "reddit:1xy9zz"] == [
        ("m1a001", 1), ("m1a002", 2), ("m1a003", 4), ("m1a004", 3), ("m1a005", 5), ("m1a006", 6), ("m1a007", 7)]


def test_finished_file_is_not_read_again(tmp_path):
    dump = write(tmp_path / "RC.zst", records(300))
    with Store(tmp_path / "a.db") as store:
        first = ingest_dump_sqlite(store, dump, batch=64)
        before = store.conn.total_changes
        calls = []
        again = ingest_dump_sqlite(store, dump, progress=lambda *a: calls.append(a))
        assert store.conn.total_changes == before and calls == []
    assert (first.added, first.threads) == (300, 7)
    assert again.already_done and (again.comments, again.added, again.resumed_from) == (0, 0, 300)
    # The same bytes at a new mtime are a new file: read again, and nothing changes.
    os.utime(dump, ns=(1, 1))
    with Store(tmp_path / "a.db") as store:
        before = table_dump(tmp_path / "a.db", volatile=True)
        touched = ingest_dump_sqlite(store, dump)
        assert (touched.added, touched.changed, touched.unchanged, touched.threads) == (0, 0, 300, 0)
        assert table_dump(tmp_path / "a.db", volatile=True) == before
        assert tuple(store.conn.execute("SELECT count(*), sum(done) FROM dump_checkpoints").fetchone()) == (2, 2)


class Stop(Exception):
    pass


def stop_after(n: int):
    def progress(bytes_read: int, comments: int) -> None:
        if comments >= n:
            raise Stop(comments)
    return progress


def test_interrupted_ingest_resumes_without_duplicates(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK", 2048)  # progress after every few lines, mid-batch too
    dump = write(tmp_path / "RC.zst", records(700))
    with Store(tmp_path / "a.db") as store:
        with pytest.raises(Stop):
            ingest_dump_sqlite(store, dump, batch=100, progress=stop_after(330))
        done, lines = tuple(store.conn.execute("SELECT done, lines FROM dump_checkpoints").fetchone())
        assert (done, lines) == (0, 300)  # three batches committed, the fourth never written
        assert store.counts() == {"threads": 7, "comments": 300, "comment_versions": 300,
                                  "edges": store.conn.execute("SELECT count(*) FROM edges").fetchone()[0]}
        assert store.conn.execute("SELECT count(*) FROM dump_pending").fetchone()[0] == 7
        seen = []
        r = ingest_dump_sqlite(store, dump, batch=100, progress=lambda b, c: seen.append((b, c)))
    assert (r.resumed_from, r.comments, r.added, r.lines) == (300, 400, 400, 400)
    assert seen[-1] == (dump.stat().st_size, 400) and all(b <= dump.stat().st_size for b, _ in seen)
    reference(tmp_path / "b.db", dump)
    assert table_dump(tmp_path / "a.db") == table_dump(tmp_path / "b.db")


def test_failure_inside_a_batch_rolls_it_back(tmp_path, monkeypatch):
    """The checkpoint is in the batch's transaction: a failure half-way through a batch leaves
    neither its rows nor a checkpoint that claims them."""
    dump = write(tmp_path / "RC.ndjson", records(500), compress=False)
    calls = {"n": 0}
    real_write = sqlite_writer._SqliteWriter._write

    def failing_write(self, items, upto_line):
        calls["n"] += 1
        if calls["n"] == 3:  # after the comments of batch 3 are inserted, before the rest
            monkeypatch.setattr(sqlite_writer, "_INSERT_EDGES", "INSERT INTO no_such_table VALUES (?)")
        return real_write(self, items, upto_line)

    monkeypatch.setattr(sqlite_writer._SqliteWriter, "_write", failing_write)
    with Store(tmp_path / "a.db") as store:
        with pytest.raises(sqlite3.OperationalError):
            ingest_dump_sqlite(store, dump, batch=120)
        assert store.conn.execute("SELECT lines FROM dump_checkpoints").fetchone()[0] == 240
        assert store.counts()["comments"] == store.counts()["comment_versions"] == 240
        fts = store.conn.execute("SELECT count(*) FROM comments_fts").fetchone()[0]
        assert fts == 240
        monkeypatch.undo()
        r = ingest_dump_sqlite(store, dump, batch=120)
    assert (r.resumed_from, r.added) == (240, 260)
    reference(tmp_path / "b.db", dump)
    assert table_dump(tmp_path / "a.db") == table_dump(tmp_path / "b.db")


CHILD = textwrap.dedent("""
    import os, signal, sys
    from threadpress import dumps
    from threadpress.dumps import parquet_files, sqlite_writer
    from threadpress.store import Store
    real = sqlite_writer._SqliteWriter._write
    calls = [0]
    def write(self, items, upto_line):
        calls[0] += 1
        if calls[0] == int(sys.argv[3]):
            self.conn.execute("INSERT INTO comments_fts(comments_fts) VALUES ('optimize')")
            os.kill(os.getpid(), signal.SIGKILL)  # inside the batch's open transaction
        return real(self, items, upto_line)
    sqlite_writer._SqliteWriter._write = write
    if sys.argv[1].endswith(".db"):
        dumps.ingest_dump_sqlite(Store(sys.argv[1]), sys.argv[2], batch=50)
    else:
        def progress(b, c):
            if c >= int(sys.argv[3]):
                os.kill(os.getpid(), signal.SIGKILL)
        parquet_files.BUFFER_BYTES = 1  # a flush per batch: files already written when the kill comes
        dumps.write_dump_parquet(sys.argv[2], sys.argv[1], batch_rows=50, progress=progress)
""")


def kill_child(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def test_killed_process_resumes(tmp_path):
    dump = write(tmp_path / "RC.zst", records(400))
    kill_child(str(tmp_path / "a.db"), str(dump), "4")  # killed inside the 4th batch
    with Store(tmp_path / "a.db") as store:
        assert tuple(store.conn.execute("SELECT lines, done FROM dump_checkpoints").fetchone()) == (150, 0)
        assert store.counts()["comments"] == 150
        r = ingest_dump_sqlite(store, dump, batch=50)
    assert (r.resumed_from, r.added) == (150, 250)
    reference(tmp_path / "b.db", dump)
    assert table_dump(tmp_path / "a.db") == table_dump(tmp_path / "b.db")


def test_edited_dump_adds_versions_and_leaves_the_rest(tmp_path):
    first = write(tmp_path / "RC_1.zst", records(200))
    edited = {3, 50, 51, 120}
    second = write(tmp_path / "RC_2.zst", records(260, edited=edited))  # 4 edits, 60 new comments
    with Store(tmp_path / "a.db") as store:
        ingest_dump_sqlite(store, first, batch=64)
        before = {(t, c): s for t, c, s in table_dump(tmp_path / "a.db", volatile=True)["first_seen"]}
        r = ingest_dump_sqlite(store, second, batch=64)
        assert (r.added, r.changed, r.unchanged) == (60, 4, 196)
        tid = "reddit:" + records(200)[50]["link_id"][3:]
        assert [v["text"] for v in store.versions(tid, "c00050")] == [
            "comment 50 on thread 4", "comment 50 on thread 4 (edited)"]
        hits = store.conn.execute("SELECT count(*) FROM comments_fts WHERE comments_fts MATCH 'edited'").fetchone()
        assert tuple(hits) == (4,)
    after = table_dump(tmp_path / "a.db", volatile=True)
    assert all(before[(t, c)] == s for t, c, s in after["first_seen"] if (t, c) in before)
    reference(tmp_path / "b.db", first, second)
    assert table_dump(tmp_path / "a.db") == table_dump(tmp_path / "b.db")


def test_sqlite_bad_lines(tmp_path):
    recs: list = records(30)
    recs.insert(25, b'{"id": "x", "link_id": ')
    dump = write(tmp_path / "RC.zst", recs)
    with Store(tmp_path / "a.db") as store:
        for _ in range(2):  # the batches before the bad line stay; a re-run stops at the same line
            with pytest.raises(InputError, match=r"^.*RC\.zst: line 26 is not valid JSON \("):
                ingest_dump_sqlite(store, dump, batch=10)
            assert store.counts()["comments"] == 20
        r = ingest_dump_sqlite(store, dump, batch=10, skip_bad=True)
        assert (r.added, r.skipped_bad, r.resumed_from) == (10, 1, 20)
    for data, message in ((b"", "the input is empty"), (b'[1]\n', "line 1 is not a JSON object"),
                           (b'{"id": "x"}\n', "line 1 is not a Reddit comment")):
        bad = tmp_path / "bad.ndjson"
        bad.write_bytes(data)
        with Store(tmp_path / "c.db") as store, pytest.raises(InputError, match=message):
            ingest_dump_sqlite(store, bad)
    with Store(tmp_path / "c.db") as store, pytest.raises(InputError, match="cannot open"):
        ingest_dump_sqlite(store, tmp_path / "missing.zst")


def test_sqlite_holds_at_most_a_batch(tmp_path, monkeypatch):
    """Constant memory: no more than `batch` comments are alive at once, however long the dump."""
    live, peak = [0], [0]

    def counted(obj):
        item = _comment(obj)
        if item is not None:
            live[0] += 1
            peak[0] = max(peak[0], live[0])
            weakref.finalize(item[1], lambda: live.__setitem__(0, live[0] - 1))
        return item

    monkeypatch.setattr(sqlite_ingest, "_comment", counted)
    dump = write(tmp_path / "RC.zst", records(1000))
    with Store(tmp_path / "a.db") as store:
        ingest_dump_sqlite(store, dump, batch=40)
        assert store.counts()["comments"] == 1000
    assert 40 <= peak[0] <= 41 and live[0] == 0


def test_submissions_only(tmp_path):
    dump = write(tmp_path / "RS.ndjson", [SUBMISSION], compress=False)
    with Store(tmp_path / "a.db") as store:
        r = ingest_dump_sqlite(store, dump)
        assert (r.comments, r.submissions) == (0, 1)
        t = store.load_thread("reddit:1xy9zz")
    assert (t.title, t.author, t.comments) == ("Tide gauges & you", "tidal_clock", [])
    with pytest.raises(InputError, match="no Reddit comments"):
        write_dump_parquet(dump, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- Parquet ----------------------------------------------------------------------------------

def read(out: Path) -> pa.Table:
    return ds.dataset(out, format="parquet", partitioning="hive").to_table()


def expected_rows(data: bytes) -> list[dict]:
    """What reddit_dump's Comment says for each comment, in Parquet's terms."""
    rows = []
    for tid, c in iter_comments(io.BytesIO(data)):
        rows.append({"thread_id": tid, "id": c.id, "parent_id": c.parents[0].target_id if c.parents else None,
                     "author": c.author, "author_id": c.author_id, "created_at": c.created_at,
                     "created_raw": c.created_raw, "tz": c.tz, "status": c.status, "format": c.format,
                     "text": c.text, "permalink": c.permalink})
    return rows


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "zst"])
def test_parquet_rows_partitions_and_types(tmp_path, compress):
    data = b"\n".join([SUBMISSION, *FIXTURE.read_bytes().splitlines()]) + b"\n"
    dump = tmp_path / ("RC.zst" if compress else "RC.ndjson")
    dump.write_bytes(zst(data) if compress else data)
    out = tmp_path / "out"
    seen = []
    r = write_dump_parquet(dump, out, progress=lambda b, c: seen.append((b, c)))
    assert (r.comments, r.threads, r.output, r.lines) == (8, 2, str(out), 9)
    assert seen[-1] == (dump.stat().st_size, 8)
    assert sorted(p.name for p in out.iterdir()) == [
        "_threadpress.json", "thread_id=reddit%3A1xy9zz", "thread_id=reddit%3A2aa000"]
    t = read(out)
    types = dict(zip(t.schema.names, t.schema.types))
    assert types["created_at"] == pa.timestamp("us", tz="UTC") and types["score"] == pa.int64()
    assert {types[k] for k in ("id", "parent_id", "author", "text", "status", "thread_id")} == {pa.string()}
    rows = {row["id"]: row for row in t.to_pylist()}
    for want in expected_rows(data):
        got = rows[want["id"]]
        assert {k: got[k] for k in want} == want
    assert rows["m1a003"]["created_at"] == datetime(2024, 3, 1, 0, 10, 0, 250000, tzinfo=UTC)
    assert (rows["m1a001"]["score"], rows["m1a002"]["score"], rows["m1a001"]["subreddit"]) == (12, None, "oceanography")
    # file order within a thread
    assert [x["id"] for x in t.to_pylist() if x["thread_id"] == "reddit:1xy9zz"] == [
        "m1a001", "m1a002", "m1a003", "m1a004", "m1a005", "m1a006", "m1a007"]


def test_parquet_many_flushes_keep_file_order(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet_files, "BUFFER_BYTES", 1)  # a flush per batch: a file per batch and thread
    monkeypatch.setattr(parquet_dataset, "CONVERT_ROWS", 100)
    recs = records(1200, threads=40)
    dump = write(tmp_path / "RC.zst", recs)
    r = write_dump_parquet(dump, tmp_path / "out")
    assert (r.comments, r.threads) == (1200, 40)
    assert len(list((tmp_path / "out" / "thread_id=reddit%3Ath3").iterdir())) > 5
    t = read(tmp_path / "out")
    assert t.num_rows == 1200 and len(set(t["id"].to_pylist())) == 1200
    for tid in ("reddit:th3", "reddit:th17"):
        got = [x["id"] for x in t.filter(ds.field("thread_id") == tid).to_pylist()]
        assert got == [x["id"] for x in recs if "reddit:" + x["link_id"][3:] == tid]


def test_parquet_batches_are_bounded(tmp_path, monkeypatch):
    """Rows become Arrow batches every CONVERT_ROWS (or batch_rows) rows; the writer holds at most
    a flush's worth of them."""
    monkeypatch.setattr(parquet_files, "BUFFER_BYTES", 20_000)
    monkeypatch.setattr(parquet_dataset, "CONVERT_ROWS", 32)
    held, sizes = [0], []
    real_add = parquet_files._FlushWriter.add

    def add(self, box):
        sizes.append(box[0].num_rows)
        real_add(self, box)
        held[0] = max(held[0], self.bytes)

    monkeypatch.setattr(parquet_files._FlushWriter, "add", add)
    dump = write(tmp_path / "RC.zst", records(1000))
    write_dump_parquet(dump, tmp_path / "out", batch_rows=100)
    assert max(sizes) == 32 and sum(sizes) == 1000  # converted to Arrow every 32 rows
    assert held[0] < 20_000
    sizes.clear()
    write_dump_parquet(dump, tmp_path / "out2", batch_rows=10)
    assert max(sizes) == 10 and sum(sizes) == 1000


def test_parquet_interrupted_leaves_no_output(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK", 2048)
    dump = write(tmp_path / "RC.zst", records(500))
    out = tmp_path / "out"
    with pytest.raises(Stop):
        write_dump_parquet(dump, out, batch_rows=50, progress=stop_after(200))
    assert list(tmp_path.iterdir()) == [dump]  # no output, no staging directory, no lock
    # A killed run leaves its staging directory (files written, lock released); the next run removes it.
    kill_child(str(out), str(dump), "300")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert "out" not in left and any(n.startswith(".out.partial-") and not n.endswith(".lock") for n in left)
    stale = next(p for p in tmp_path.iterdir() if p.name.startswith(".out.partial-") and p.is_dir())
    assert any(stale.rglob("*.parquet"))
    r = write_dump_parquet(dump, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["RC.zst", "out"]
    assert r.comments == read(out).num_rows == 500


def test_parquet_output_directory_rules(tmp_path):
    first = write(tmp_path / "RC_1.zst", records(50))
    second = write(tmp_path / "RC_2.zst", records(80, seed=2))
    out = tmp_path / "out"
    assert write_dump_parquet(first, out).comments == 50
    again = write_dump_parquet(first, out)  # the same file: nothing to do
    assert again.already_done and read(out).num_rows == 50
    assert write_dump_parquet(second, out).comments == 80  # an earlier output is replaced whole
    assert read(out).num_rows == 80 and sorted(p.name for p in tmp_path.iterdir()) == ["RC_1.zst", "RC_2.zst", "out"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(ThreadpressError, match="not a threadpress Parquet output"):
        write_dump_parquet(first, mine)
    assert (mine / "notes.txt").read_text() == "keep me"
    (tmp_path / "empty").mkdir()
    assert write_dump_parquet(first, tmp_path / "empty").comments == 50


def test_parquet_bad_line_names_it(tmp_path):
    recs: list = records(40)
    recs.insert(30, b"[1, 2]")
    dump = write(tmp_path / "RC.zst", recs)
    with pytest.raises(InputError, match=r"RC\.zst: line 31 is not a JSON object"):
        write_dump_parquet(dump, tmp_path / "out", batch_rows=8)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["RC.zst"]
    r = write_dump_parquet(dump, tmp_path / "out", skip_bad=True)
    assert (r.comments, r.skipped_bad) == (40, 1)
    corrupt = tmp_path / "bad.zst"
    corrupt.write_bytes(dump.read_bytes()[:-40] + b"\xff" * 40)
    with pytest.raises(InputError, match="cannot decompress"):
        write_dump_parquet(corrupt, tmp_path / "out2")


# The column semantics of the Parquet path (no Comment objects) against reddit_dump's, on odd records.
ODD = st.fixed_dictionaries(
    {"id": st.sampled_from(["a1", "b2", "zz9"]), "link_id": st.sampled_from(["t3_abc", "abc", "t3_", "t1_x"])},
    optional={
        "parent_id": st.sampled_from(["t1_a1", "t1_", "t3_abc", "", None, 7]) | st.text(max_size=5),
        "author": st.sampled_from(["[deleted]", "Søren", "", None, 3]) | st.text(max_size=5),
        "author_fullname": st.sampled_from(["t2_x", "", None, False]),
        "created_utc": st.one_of(
            st.integers(-(2**63), 2**63 - 1), st.integers(0, 2 * 10**12), st.booleans(), st.none(),
            st.floats(allow_nan=True), st.sampled_from(["1709251500", "1.7e9", "", "x", "1709251500123"])),
        "body": st.one_of(
            st.text(max_size=24), st.sampled_from(["[deleted]", " [removed]\n", "\x1c[deleted]\x1f", "a &amp;lt; b",
                                                   "&lt;&gt;&amp;", "[deleted]         x"]),
            st.none(), st.integers(-(2**63), 2**64 - 1), st.sampled_from([["&amp;"], {"&": 1}, [], True])),
        "score": st.one_of(st.integers(-(2**63), 2**64 - 1), st.booleans(), st.floats(), st.none()),
        "subreddit": st.sampled_from(["sub", "", None, 1]),
        "permalink": st.sampled_from(["/r/sub/comments/abc/x/a1/", "r/x", "", None, 5]),
        "_meta": st.sampled_from([{"removal_type": "deleted"}, {"removal_type": "removed by reddit"},
                                  {"removal_type": "other"}, {"removal_type": 3}, [], None]),
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ODD, min_size=1, max_size=12))
def test_parquet_columns_match_reddit_dump(recs):
    data = b"".join(orjson.dumps(r) + b"\n" for r in recs)
    tables = list(parquet_dataset._parquet_batches(io.BytesIO(data), "x", batch_rows=5, skip_bad=False,
                                                   progress=None, stats=parquet_dataset._Stats()))
    got = arrow_columns._finish(pa.Table.from_batches(tables)).to_pylist()
    assert [{k: g[k] for k in w} for g, w in zip(got, expected_rows(data))] == expected_rows(data)
    want_scores = [r.get("score") if type(r.get("score")) is int and -(2**63) <= r["score"] < 2**63 else None
                   for r in recs]
    assert [g["score"] for g in got] == want_scores


def test_result_rate():
    assert DumpResult("x", 100, 1, seconds=2.0).rate == 50.0 and DumpResult("x", 0, 0).rate == 0.0
