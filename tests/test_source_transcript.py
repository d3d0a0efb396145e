"""transcript: speaker-labelled Q&A; answers reply to the question they follow (how="turn")."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, REFERENCE_POST
from fuzzing import FUZZ, parse_or_none, truncated_flipped
from threadpress.errors import InputError
from threadpress.sources import detect, registry
from threadpress.sources.base import Document
from threadpress.sources.transcript import SOURCE, _label_kind, _scan

PRESS = (FIXTURES / "transcript" / "press.txt").read_bytes()
INTERVIEW = (FIXTURES / "transcript" / "interview.txt").read_bytes()


def parse(data: bytes):
    return SOURCE.parse(Document(data, "t.txt"))


def edges(t):
    return {c.number: [(e.target_id, e.how, e.confidence) for e in c.parents] for c in t.comments}


@pytest.mark.parametrize("data", [PRESS, INTERVIEW])
def test_registered_and_detected(data):
    assert registry()["transcript"] is SOURCE
    assert detect(Document(data, "t.txt")).name == "transcript"


def test_press_conference_turns_speakers_and_parents():
    t = parse(PRESS)
    assert t.title.startswith("Foreign Minister Ana Kovač's answers")
    assert [c.author for c in t.comments] == [
        "Moderator", "Question", "Ana Kovač", "Ana Kovač", "Question", "Ana Kovač",
        "Pieter de Vries", "Lars Holm", "Ana Kovač", "Question", "Ana Kovač"]
    assert [c.id for c in t.comments] == [str(n) for n in range(1, 12)]
    e = edges(t)
    assert e[1] == [] and e[2] == []  # the moderator and questions have no parent
    assert e[3] == [("2", "turn", 1.0)]
    assert e[4] == [("2", "turn", 1.0)]  # "Kovač:" follows up on the same question
    assert e[6] == [("5", "turn", 1.0)]
    assert e[8] == [("7", "turn", 1.0)] and e[9] == [("7", "turn", 1.0)]  # a labelled journalist asks
    assert e[11] == [("10", "turn", 1.0)]  # after "* * *" a new exchange
    assert t.meta["exchanges"] == 2


def test_multi_paragraph_turn_and_prose_colons_are_not_labels():
    t = parse(PRESS)
    assert t.comments[2].text == ("Not yet. We agreed on a framework: the numbers come next month.\n\n"
                                  "The framework covers cod and herring. It does not cover mackerel, "
                                  "which remains a separate track.")
    assert t.comments[2].html.startswith("<p>Not yet.") and t.comments[2].format == "text"
    assert all(c.author not in ("Note", "The agenda included three items") for c in t.comments)


def test_event_date_assumed_and_offset_kept():
    t = parse(PRESS)
    day = datetime(2024, 9, 12, tzinfo=timezone.utc)
    assert all(c.created_at == day and c.tz == "assumed" for c in t.comments)
    assert t.comments[7].created_raw == "September 12, 2024 14:32"  # "(14:32)" offset after the label


def test_q_a_interview_without_names():
    t = parse(INTERVIEW)
    assert [c.author for c in t.comments] == ["Question", "Answer", "Question", "Answer"]
    assert edges(t)[2] == [("1", "turn", 1.0)] and edges(t)[4] == [("3", "turn", 1.0)]
    assert "said: imagine" in t.comments[1].text  # a colon inside a turn stays text


def test_no_date_means_unknown():
    t = parse(b"Q: One?\n\nA: Yes.\n\nQ: Two?\n\nA: No.\n")
    assert all(c.created_at is None and c.tz == "unknown" for c in t.comments)


def test_label_rules():
    assert _label_kind("Sergey Lavrov") == "name"
    assert _label_kind("President of Russia Vladimir Putin") == "name"
    assert _label_kind("MODERATOR") == "name"
    assert _label_kind("A. Suvorova") == "name"
    assert _label_kind("Speaker 1") == "name"
    assert _label_kind("Q") == "question" and _label_kind("A") == "answer"
    for prose in ("Note", "To which Putin responded", "Lavrov’s statement time stamp", "10", "http",
                  "Thanks for your reply. Here’s part of what Lavrov said in his chat with TASS"):
        assert _label_kind(prose) is None, prose


def test_short_form_and_full_title_are_one_speaker():
    t = parse(b"Question: Who?\n\nPresident of Ruritania Karl Weiss: Me.\n\nQuestion: Why?\n\nWeiss: Because.\n")
    assert [c.author for c in t.comments] == ["Question", "Karl Weiss", "Question", "Karl Weiss"]


def test_shared_example_qa_inside_prose_found():
    # The reference example is MoA copied text (typepad-text reads it), but the Q&A inside it parses.
    data = REFERENCE_POST.read_bytes()
    assert SOURCE.detect(Document(data, "ex.txt")) == 0
    _, turns = _scan(data.decode("utf-8"))
    assert [t.label for t in turns] == ["Yevgeny Nikiforov", "Vladimir Putin", "Question", "Sergey Lavrov",
                                        "Q", "Sergey Lavrov", "Question", "Sergey Lavrov"]


def test_no_turns_is_an_input_error():
    with pytest.raises(InputError, match="no speaker-labelled turns"):
        parse(b"Just a paragraph of prose.\nAnother line: with a colon in it.\n")
    assert SOURCE.detect(Document(b"<html><body><p>Q: x</p></body></html>", "x.html")) == 0


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data):
    parse_or_none(SOURCE.parse, Document(data, "fuzz.txt"))


@FUZZ
@given(st.sampled_from([PRESS, INTERVIEW]), st.data())
def test_mutated_fixture_never_crashes(raw, data):
    parse_or_none(SOURCE.parse, Document(truncated_flipped(data, raw, max_flips=8), "fuzz.txt"))
