"""`threadpress ingest` on comment dumps: streamed into the archive or into Parquet."""

from __future__ import annotations

import json

import pyarrow.dataset as ds
import zstandard

from conftest import FIXTURES

DUMP = FIXTURES / "reddit_dump" / "comments.ndjson"


def test_dump_into_archive_then_nothing_on_rerun(cli):
    first = json.loads(cli("ingest", str(DUMP), "--json", "--silent").stdout)[0]
    lines = [l for l in DUMP.read_text(encoding="utf-8").splitlines() if l.strip()]
    assert first["comments"] == first["added"] > 0 and first["comments"] <= len(lines)
    again = json.loads(cli("ingest", str(DUMP), "--json", "--silent").stdout)[0]
    assert again["already_done"] is True and again["added"] == 0
    threads = json.loads(cli("threads", "--json").stdout)
    assert sum(t["comments"] for t in threads) == first["comments"]
    assert {t["source"] for t in threads} == {"reddit-dump"}


def test_zst_dump_to_parquet(cli, tmp_path):
    packed = tmp_path / "RC_test.zst"
    packed.write_bytes(zstandard.ZstdCompressor().compress(DUMP.read_bytes()))
    out = tmp_path / "comments.parquet"
    r = cli("ingest", str(packed), "--parquet", str(out), "--silent")
    assert r.exit_code == 0, r.stderr
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    archive = json.loads(cli("ingest", str(DUMP), "--json", "--silent").stdout)[0]
    assert table.num_rows == archive["comments"]
    assert len({p.name for p in out.iterdir() if p.name.startswith("thread_id=")}) == archive["threads"]


def test_parquet_refuses_a_thread_page(cli, tmp_path):
    r = cli("ingest", str(FIXTURES / "reference" / "reference-thread.txt"), "--parquet", str(tmp_path / "x"))
    assert r.exit_code == 2 and "--parquet takes comment dumps only" in r.stderr
