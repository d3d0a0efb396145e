"""Reply cues written into comment text (design §5 steps 2-4)."""

from __future__ import annotations

from threadpress.load import parse_bytes
from threadpress.model import ReplyEdge

from moa_text import moa_text


def edges(text: str) -> dict[int, list[tuple[int, str]]]:
    t = parse_bytes(text.encode(), name="t.txt")
    by_id = t.by_id()
    return {c.number: [(by_id[e.target_id].number, e.how) for e in c.parents] for c in t.comments}


def thread(text: str):
    return parse_bytes(text.encode(), name="t.txt")


BASE = [
    ("Mina_77", "Opening remarks on the negotiations and what they could mean for the spring."),
    ("Rowan Ashgrove", "A second voice with its own view of the matter at hand."),
    ("Łukasz", "Third comment, unrelated."),
]


def test_address_each_trailer_and_case():
    for tail in ["—", "–", "--", ":", "", "—\u00a0"]:
        text = moa_text(BASE + [("b", "{f2}" + tail + "\nI answer the second comment.")])
        assert edges(text)[4] == [(2, "address")], tail
    upper = moa_text(BASE + [("b", "{f2}\nx")]).replace("utc | 2\nx", "UTC | 2\nx")
    assert edges(upper)[4] == [(2, "address")]


def test_stale_number_trusts_name_and_time():
    # Comment 3 was written answering Rowan (then #2); later one comment was deleted, so the
    # copied number 3 now points at Łukasz while name and time still point at Rowan.
    text = moa_text(BASE + [("b", "x")])
    rowan_stamp = text.split("Posted by: Rowan Ashgrove | ")[1].split(" | ")[0]
    stale = moa_text(BASE + [("b", f"Rowan Ashgrove | {rowan_stamp} | 3—\nYou are wrong.")])
    t = thread(stale)
    edge = t.comments[3].parents[0]
    assert t.by_id()[edge.target_id].author == "Rowan Ashgrove"
    assert edge.how == "address" and 0.9 <= edge.confidence < 1.0
    assert "stale" in edge.evidence


def test_numbers_and_mentions():
    text = moa_text(BASE + [
        ("b", "@2 you forget the spring."),
        ("Jürgen Weiß", "#1 is right about it."),
        ("O'Rourke", "Mina_77 @1: yes."),
        ("Hale, Marguerite", "@Rowan Ashgrove I agree with you."),
        ("Dr. Kettle-Black", "@łukasz what do you mean?"),
        ("Nils Åberg", "@Mina_77 6 is wrong, it says 1 not 6."),
    ])
    e = edges(text)
    assert e[4] == [(2, "number")]
    assert e[5] == [(1, "number")]
    assert e[6] == [(1, "number")]
    assert e[7] == [(2, "mention")]
    assert e[8] == [(3, "mention")]  # accents and case do not matter
    assert e[9] == [(1, "mention")]  # "@Mina_77 6" is not comment 6: Mina_77 did not write it


def test_mention_is_latest_earlier_comment_of_that_author():
    text = moa_text(BASE + [("Mina_77", "Me again."), ("José Ramírez", "@Mina_77 which time?")])
    assert edges(text)[5] == [(4, "mention")]


def test_not_edges():
    text = moa_text(BASE + [
        ("Jürgen Weiß", "@b thanks for the post. Thanks b. Mail editor@example.org, this is the #1 priority."),
        ("Nils Åberg", "@9 cannot point forward and @5 cannot point at itself; at @ 18:50 nothing."),
    ])
    e = edges(text)
    assert e[4] == [] and e[5] == []


def test_quote_with_posted_by_line_and_several_targets():
    text = moa_text(BASE + [
        ("Jürgen Weiß", "…what they could mean for the spring.\n\n{p1}\n\n"
                        "{f2}—\nAnd to you too.\n\nŁukasz @3, see above."),
    ])
    t = thread(text)
    assert [(t.by_id()[e.target_id].number, e.how) for e in t.comments[3].parents] == [
        (1, "quote"), (2, "address"), (3, "number")]
    assert t.comments[3].parents[0].confidence == 1.0  # the passage was found in comment 1
    assert "quoted passage found" in t.comments[3].parents[0].evidence


def test_quote_of_earlier_comment_by_quotation_marks():
    text = moa_text(BASE + [("b", "Someone wrote \u201cA second voice with its own view of the matter\u201d and I agree.")])
    assert edges(text)[4] == [(2, "quote")]


def test_every_edge_has_how_confidence_evidence():
    text = moa_text(BASE + [("b", "{f2}—\n@1 and @Łukasz.")])
    t = thread(text)
    for e in t.comments[3].parents:
        assert isinstance(e, ReplyEdge)
        assert e.how in ("address", "number", "mention") and 0 < e.confidence <= 1 and e.evidence
