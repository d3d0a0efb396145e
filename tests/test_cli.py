"""The command line end to end: contracts, errors, the archive."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES
from moa_text import moa_text

REF = str(FIXTURES / "reference" / "reference-thread.txt")


def one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    for n in needles:
        assert n in lines[0], (n, lines[0])


def test_parse_json_contract(cli):
    r = cli("parse", REF, "--json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert set(doc) == {"thread", "comments"}
    assert {"id", "source", "url", "title", "comment_count"} <= set(doc["thread"])
    assert doc["thread"]["source"] == "typepad" and doc["thread"]["comment_count"] == len(doc["comments"]) == 17
    c83 = next(c for c in doc["comments"] if c["number"] == 83)
    assert {"id", "number", "author", "created_at", "text", "html", "status", "parents"} <= set(c83)
    assert c83["author"] == "karlof1" and c83["created_at"] == "2025-12-29T18:50:00Z" and c83["status"] == "ok"
    assert [(p["number"], p["how"], p["confidence"]) for p in c83["parents"]] == [(68, "address", 1.0)]
    assert {"id"} <= set(c83["parents"][0])


def test_parse_table_and_stdin(cli):
    text = moa_text([("Mina_77", "Hello there."), ("Łukasz", "@1 hi.")])
    r = cli("parse", "-", input=text.encode())
    assert r.exit_code == 0
    assert "Mina_77" in r.stdout and "Łukasz" in r.stdout and "2 comments" in r.stdout


def test_replies_json(cli):
    r = cli("replies", REF, "--json")
    edges = json.loads(r.stdout)["edges"]
    assert {(e["from"]["number"], e["to"]["number"], e["how"]) for e in edges} >= {
        (83, 68, "address"), (161, 157, "quote"), (185, 161, "address"), (191, 188, "address")}
    assert all(e["evidence"] for e in edges)


def test_digest_formats_and_output_file(cli, tmp_path):
    out = tmp_path / "post.html"
    r = cli("digest", REF, "--author", "karlof1", "--format", "html", "-o", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    html = out.read_text()
    assert "<p>Posted by: karlof1 | Dec 29 2025 18:50 utc | 83</p>" in html
    r = cli("digest", REF, "-a", "karlof1", "--format", "text", "--replies")
    assert r.exit_code == 0 and "Posted by: karlof1 | Dec 29 2025 23:50 utc | 191" in r.stdout


@pytest.mark.parametrize("content, needle", [
    (None, "no such file"),
    (b"", "empty"),
    (bytes(range(256)) * 16, "binary"),
    (b"<!DOCTYPE html><html><head><title>x</title></head><body><div class='comment'><p>Half a comm", "truncated HTML"),
    (b"<!DOCTYPE html><html><body><h1>A post</h1><p>No comments yet.</p></body></html>", "no comments found"),
])
def test_bad_input_one_line_exit_1_nothing_written(cli, db, tmp_path, content, needle):
    path = tmp_path / "input.html"
    if content is not None:
        path.write_bytes(content)
    for command in (["parse", str(path)], ["ingest", str(path)], ["digest", str(path), "-a", "x"]):
        one_line_error(cli(*command), str(path), needle)
    assert not db.exists()  # nothing written to the archive, not even an empty one


def test_unknown_author_lists_nearest(cli):
    one_line_error(cli("digest", REF, "--author", "karlofl"), "karlofl", "nearest: karlof1")


def test_ingest_idempotent_threads_and_stored_ids(cli, tmp_path):
    r = cli("ingest", REF, "--json")
    first = json.loads(r.stdout)[0]
    assert (first["added"], first["changed"]) == (17, 0)
    again = json.loads(cli("ingest", REF, "--json").stdout)[0]
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 17)
    listed = json.loads(cli("threads", "--json").stdout)
    assert [(t["id"], t["comments"], t["authors"]) for t in listed] == [(first["thread_id"], 17, 5)]
    # Every command accepts a stored id (or a unique prefix of its hash part).
    short = first["thread_id"].split(":")[1][:8]
    from_store = cli("digest", short, "-a", "karlof1").stdout
    from_file = cli("digest", REF, "-a", "karlof1").stdout
    assert from_store == from_file
    assert json.loads(cli("parse", first["thread_id"], "--json").stdout)["thread"]["comment_count"] == 17


def test_ingest_with_one_bad_source_stores_nothing(cli, db, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    one_line_error(cli("ingest", REF, str(bad)), "empty.txt")
    assert not db.exists() or json.loads(cli("threads", "--json").stdout) == []


def test_usage_error_exit_2(cli):
    r = cli("digest", REF)
    assert r.exit_code == 2 and "--author" in r.stderr


def test_console_script_runs(tmp_path):
    """The installed entry point works end to end (a real process, real exit codes)."""
    exe = [sys.executable, "-m", "threadpress"]
    ok = subprocess.run([*exe, "digest", REF, "-a", "karlof1"], capture_output=True, text=True)
    assert ok.returncode == 0 and "Posted by: karlof1 | Dec 29 2025 18:50 utc | 83" in ok.stdout
    bad = subprocess.run([*exe, "parse", str(tmp_path / "missing.html")], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
