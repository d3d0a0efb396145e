#!/usr/bin/env python3
"""Generate a fictional Moon of Alabama-style comment thread together with its true reply edges.

Everything here is invented: the countries, the people, the quoted "primary sources", the
commenters and their URLs (example.org / example.com only). The thread imitates the shape of a
real MoA thread (a post by the host ``b``, ~180 flat comments whose replies are written into the
bodies as copied footers, ``@N``, ``@NAME``, quotes ...) so that parsers and the reply resolver can
be tested against a known answer.

Standard library only and fully deterministic: the same seed gives byte-identical files.

    python examples/generate_moa.py            # writes examples/moa/
    python examples/generate_moa.py --out DIR  # writes DIR/ instead

Outputs: thread.html (one page), pages/page-N.html (100 comments a page), thread.txt (what a
browser's select-all + copy of thread.html gives), truth.json (comments, reply edges, deleted
comments, distractors) and README.md.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20251231
N_TOTAL = 186                # comments posted, before the moderator deletes three
PAGE_SIZE = 100
NBSP = "\u00a0"
UTC = timezone.utc

TITLE = "Halvard Talks - Korvask Revises Its Position After The Lake Tersa Attack"
SLUG = "halvard-talks-korvask-revises-its-position"
POST_URL = f"https://www.moonofalabama.org/2025/12/{SLUG}.html"
POST_TIME = datetime(2025, 12, 31, 9, 14, tzinfo=UTC)
FIRST_COMMENT = POST_TIME + timedelta(minutes=11)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
FORMS = ("address", "stale-address", "number", "mention", "quote", "implicit")

# --------------------------------------------------------------------------------------------
# The host's post (fictional)
# --------------------------------------------------------------------------------------------

POST_BLOCKS = [
    ("p", "The talks in Halvard between the Kestrian Federation and the Ardent Republic about an end "
          "to the war in Dravonia were supposed to resume next week. After the events of the last three "
          "days that now looks doubtful."),
    ("p", "On Sunday President Morozan and President Halloran spoke by phone for nearly two hours. Both "
          "sides <a href=\"https://example.org/kna/2025/12/28/morozan-halloran-call\">described</a> the "
          "call as <i>businesslike</i>. On Monday Halloran received the Dravonian Premier Hollis Vane in "
          "Westmarch and, according to the <a href=\"https://example.com/westmarch/readouts/1229\">official "
          "readout</a>, promised him security guarantees \"comparable to membership\" in the Concord. Vane "
          "flew home without the air defense launchers he had come to ask for."),
    ("p", "During the night from Monday to Tuesday 84 long range drones were launched towards Lake Tersa "
          "where President Morozan was meeting with Defense Minister Ostrikov and the Chief of the General "
          "Staff, General Lemm. The Kestrian Ministry of Defense says that all of them were shot down. "
          "Nobody was hurt."),
    ("p", "On Tuesday evening Foreign Minister Teodor Varga, who usually leaves such things to his "
          "spokeswoman, published a statement under his own name. The wire translation reads:"),
    ("bq", ["The strike on the presidential residence at Lake Tersa was attempted while intensive talks "
            "with the Ardent side were under way. It will be answered. The objects of the answer and its "
            "timing have already been chosen.",
            "We are not walking away from Halvard. <b>But in view of the behaviour of the regime in Sorvik "
            "our negotiating position will be reviewed.</b>"]),
    ("p", "Who ordered the attack is unclear. The Dravonian military denies any involvement. Some Aurelian "
          "outlets suggest that the whole thing was staged. That seems unlikely. One does not stage a drone "
          "raid on a meeting of one's own general staff."),
    ("p", "A reviewed Kestrian position probably means that the security strips along the Malgar and Kalven "
          "provinces will grow and that the status of Orlevo is no longer up for discussion. The Ardent envoy "
          "Ruth Calder will have less to offer and Vane less to sell at home, where his mandate expired more "
          "than a year and a half ago."),
    ("p", "Halloran wants a deal before his State of the Republic address. Korvask is in no hurry. The "
          "front keeps moving."),
]

SIDEBAR_OTHER = [
    ("Corvid", "https://www.moonofalabama.org/2025/12/open-thread-2025-71.html", "Open Thread 2025-71"),
    ("Pellinore", "https://www.moonofalabama.org/2025/12/the-meren-pipeline-will-not-reopen.html",
     "The Meren Pipeline Will Not Reopen"),
    ("Mina_77", "https://www.moonofalabama.org/2025/12/open-thread-2025-71.html", "Open Thread 2025-71"),
    ("Aldous K", "https://www.moonofalabama.org/2025/12/aurelian-commission-eyes-frozen-reserves.html",
     "Aurelian Commission Eyes Frozen Kestrian Reserves"),
]

# --------------------------------------------------------------------------------------------
# Authors (all fictional). weight: how often they post; topics: what they talk about;
# stance: pro (sympathetic to Korvask), skeptic, neutral, joker; url: footer link or None.
# --------------------------------------------------------------------------------------------

MAIN = "Rowan Ashgrove"
HOST = "b"


@dataclass
class Author:
    name: str
    weight: int
    topics: tuple
    stance: str
    url: str | None


AUTHORS = [
    Author(MAIN, 0, ("talks",), "pro", "https://example.com/rowan-ashgrove/"),
    Author(HOST, 0, ("talks",), "neutral", None),
    Author("Jürgen Weiß", 9, ("econ", "concord", "mandate"), "pro", "https://example.org/juergen"),
    Author("Mina_77", 8, ("talks", "drone", "media"), "pro", None),
    Author("Hale, Marguerite", 7, ("mandate", "talks", "history"), "neutral", "https://example.org/mhale"),
    Author("Dr. Kettle-Black", 7, ("strip", "drone"), "neutral", "https://example.com/kettle-black"),
    Author("O'Rourke", 7, ("media", "talks", "meta"), "joker", None),
    Author("Łukasz", 7, ("concord", "drone", "mandate"), "skeptic", "https://example.org/lukasz"),
    Author("José Ramírez", 6, ("east", "econ", "concord"), "pro", "https://example.org/jramirez"),
    Author("Nils Åberg", 6, ("econ", "concord", "media"), "neutral", None),
    Author("Fennimore", 5, ("history", "concord"), "pro", None),
    Author("quietbystander", 4, ("talks", "mandate"), "neutral", None),
    Author("Tobias of the Fens", 4, ("strip", "history", "meta"), "pro", "https://example.com/fens"),
    Author("Sable", 4, ("drone", "talks"), "skeptic", None),
    Author("Ptolemy3", 4, ("east", "strip"), "neutral", None),
    Author("old_salt", 4, ("east", "econ"), "pro", None),
    Author("Vesna P.", 3, ("mandate", "history"), "neutral", "https://example.org/vesna"),
    Author("Corvid", 4, ("media", "drone"), "joker", None),
    Author("Hieronymus", 3, ("history", "concord"), "pro", None),
    Author("Aldous K", 3, ("econ", "talks"), "skeptic", "https://example.com/aldous"),
    Author("ZeroSum42", 3, ("econ", "strip"), "neutral", None),
    Author("Ottoline", 3, ("talks", "media"), "neutral", None),
    Author("Yusuf al-Haddad", 3, ("east", "concord"), "pro", "https://example.org/yusuf"),
    Author("kaskade", 2, ("drone", "strip"), "neutral", None),
    Author("Ferro", 2, ("concord", "talks"), "skeptic", None),
    Author("Grey Heron", 2, ("history", "meta"), "neutral", None),
    Author("Anaïs", 2, ("media", "mandate"), "neutral", "https://example.org/anais"),
    Author("Brother Thaddeus", 2, ("history", "talks"), "pro", None),
]
AUTHOR = {a.name: a for a in AUTHORS}
TROLLS = ["truthseeker1999", "Spartan Patriot", "anon-4471"]   # their comments get deleted

# --------------------------------------------------------------------------------------------
# Rowan Ashgrove's quoted "primary sources" (fictional transcripts and statements)
# --------------------------------------------------------------------------------------------

SOURCES = [
    dict(key="lemm", topic="strip",
         intro=["President Morozan held yet another meeting with the General Staff and Defense Minister "
                "Ostrikov, this time at the Lake Tersa residence, and again reviewed progress along the line. "
                "There was no mention of his call with Halloran. There was some new information about the "
                "security strips, as they are now officially called, inside Malgar and Kalven provinces:"],
         quote=["General Lemm: In Malgar province the security strip is now more than 18 kilometres deep and "
                "55 kilometres along the line of contact. Less than 20 kilometres remain for the forward units "
                "to reach the outskirts of Orlevo. In Kalven province the strip is up to 14 kilometres deep and "
                "more than 120 kilometres long.",
                "President Morozan: Good. Ivo Markovich, this is a very important task, because it gives "
                "security to our border districts. <b>In 2026 this work must of course continue.</b> I thank "
                "you and all of the personnel for the result. [My Emphasis]"],
         after=["Note that the security strips are not part of the territorial questions discussed in public "
                "at Halvard. And as you just read, they will keep growing through 2026. IMO the plan is to "
                "press on Orlevo and on the Sarn crossings at the same time, pull every Dravonian reserve into "
                "those two sectors, and only then move on the southern bank.",
                "(The meeting was held on the 28th, the day before the drones came.)"]),
    dict(key="statement", topic="drone",
         intro=["Varga has issued a very unusual statement, in his own name rather than through the ministry. "
                "The translation below is mine and more literal than the wire version b quoted:"],
         quote=["During the night of December 29 to 30 the Sorvik regime attempted a terrorist attack with 84 "
                "long range unmanned aerial vehicles on the state residence of the President of the Kestrian "
                "Federation at Lake Tersa. All of the vehicles were destroyed by the air defense forces.",
                "We point out that this action took place during intensive negotiations between the Kestrian "
                "Federation and the Ardent Republic on a settlement of the conflict.",
                "<b>Such reckless actions will not remain unanswered.</b> The targets of the response and the "
                "time of its delivery have been determined.",
                "At the same time we do not intend to leave the negotiating process with the Ardent Republic. "
                "<b>But given the final degeneration of the regime in Sorvik, the negotiating position of the "
                "Kestrian Federation will be revised.</b> [My Emphasis]"],
         after=["(I can't recall Varga ever issuing a personal statement before. Normally it's a ministry "
                "release or a briefing by Lidia Sorn. IMO this is a <i>last straw</i> moment whose shape we "
                "cannot see yet.)"]),
    dict(key="strategy", topic="concord",
         intro=["Here's part of what Varga said in his conversation with <a href=\"https://example.org/kna/"
                "2025/12/31/varga-interview\">KNA</a>:"],
         quote=["Question: In the new version of the Ardent national security strategy the Kestrian Federation "
                "is no longer called a direct threat and is even described as a possible partner on strategic "
                "stability. Can we expect this change of tone to last?",
                "Minister Varga: The new strategy has been studied carefully in Korvask, and that is "
                "understandable. Its main ideas must be tested by deeds, but at first sight they look new. "
                "Experts say Westmarch is rethinking its role in the world. <b>It is enough to note that the "
                "bet on a so-called order based on rules is now being reconsidered.</b>",
                "As far as our country is concerned, the document no longer calls openly for the containment "
                "of the Kestrian Federation. For the first time the Ardent side, if not promising that the "
                "Concord will stop growing, at least publicly asks whether that growth must go on forever.",
                "<b>Our final conclusions will be drawn only from the practical actions of the Ardent "
                "administration.</b> [My Emphasis]"],
         after=["<i>Deeds</i> and <i>actions</i> are what Westmarch will be judged by, and policy toward it "
                "will be shaped accordingly. Varga was asked a good deal more; IMO the next part matters most."]),
    dict(key="corran", topic="east",
         intro=["From the same KNA conversation, on the east:"],
         quote=["Question: Tension between the Hanlin Republic and the Kingdom of Isse over the Corran Islands "
                "keeps rising. Some experts warn that once the Dravonian conflict ends a new confrontation will "
                "begin there. What will the Kestrian Federation do if fighting breaks out?",
                "Minister Varga: The Corran question is often discussed in isolation from the facts. Several "
                "countries say they respect the position of Hanlin and in the same breath insist on the status "
                "quo, which in practice means they oppose any settlement.",
                "Today the islands are used as an instrument to contain Hanlin. There is also a commercial "
                "motive: <b>expensive weapons are sold to Isse at full price</b>, and Isse is pressed to move "
                "its shipyards to the Ardent coast.",
                "Our position is well known and has not changed. <b>The treaty of friendship between Korvask "
                "and Hanlin of 2003 provides for mutual support in protecting the unity and territorial "
                "integrity of both states.</b> [My Emphasis]"],
         after=["It ought to be clear to everyone by now that Korvask and Hanlin cover each other's back. I "
                "shall try to write up the recent naval drills around the Corran Islands when time permits."]),
    dict(key="airdefense", topic="drone",
         intro=["Defense Minister Ostrikov at today's board meeting, on what follows from Lake Tersa:"],
         quote=["Minister Ostrikov: From January all western districts will move to the air defense model "
                "already in place around the capital region. <b>In the capital region there has not been a "
                "single successful penetration since the summer.</b> The same model will then be extended to "
                "the southern districts and to our allies. [My Emphasis]"],
         after=["If that holds, the drone war changes character. The capital region is far larger than "
                "people abroad imagine, and the Tersa residence lies inside its outer ring."]),
    dict(key="assets", topic="econ",
         intro=["Lidia Sorn was asked about the Aurelian plan for the frozen reserves at today's briefing:"],
         quote=["Question: The Aurelian Commission says it will use the immobilised Kestrian reserves to "
                "finance a reconstruction loan to Sorvik. How will Korvask respond?",
                "Lidia Sorn: We have said many times that any use of our assets is theft, whatever legal "
                "wrapping is chosen for it. <b>Theft will be answered in kind.</b> Aurelian companies still "
                "hold property in our country worth considerably more than they imagine.",
                "Question: Is there a list?",
                "Lidia Sorn: There is a list. I will not read it to you today. [My Emphasis]"],
         after=["Note the brevity of that last answer. IMO the Aurelian side has not understood that the "
                "reserves are now a bargaining chip at Halvard and no longer a budget line."]),
    dict(key="elections", topic="mandate",
         intro=["Varga also spoke with the <a href=\"https://example.com/korvask-herald/varga-2026\">Korvask "
                "Herald</a> for tomorrow's edition, which builds on the KNA interview. The part relevant to "
                "this thread:"],
         quote=["Question: Are you discussing elections in Dravonia with the Ardent side? Should they come "
                "before a lasting peace or after it?",
                "Minister Varga: The mandate of Mr Vane expired in May 2024. <b>Elections in Dravonia must "
                "take place as its own law prescribes</b>, and we see that Westmarch takes a similar view.",
                "The leadership in Sorvik must receive a mandate to sign a peace agreement. That can only come "
                "from a transparent and honest campaign in which all political forces take part, including "
                "the very large number of Dravonians who now live in our country. At the same time an "
                "election must not become a pretext for a pause that is used to rearm.",
                "Elections are not an end in themselves. <b>First there must be legally binding guarantees "
                "that remove the root causes of the conflict</b>: neutral and non-aligned status, limits on "
                "the armed forces, no Concord military infrastructure, the rights of Kestrian speakers and "
                "recognition of the new territorial realities. [My Emphasis]"],
         after=["As Varga details, there's a great deal of work before any of this is solved, and there are "
                "at least two tracks: the legal reconstruction of Dravonia's borders and constitution, and a "
                "wider security arrangement built on principles that were agreed long ago and never honoured."]),
    dict(key="lindqvist", topic="history",
         intro=["I suggest all barflies read <a href=\"https://example.org/lindqvist/the-long-suspicion\">this "
                "long essay by the historian Edda Lindqvist</a>. A short excerpt:"],
         quote=["The suspicion of Kestria in the Concord capitals is older than any of the states now arguing "
                "about it. It was a habit of the courts before it became a doctrine of the ministries, and a "
                "doctrine before it became a reflex of the newspapers. <b>Each generation believed it had "
                "discovered the danger for itself.</b>",
                "A settlement that ignores this history will be a ceasefire with a treaty's name. A settlement "
                "that names it might last. [My Emphasis]"],
         after=["IMO it's quite possible the long sessions at Halvard were partly history lessons of exactly "
                "this kind. Korvask will present a fait accompli precisely because the Concord brought this "
                "outcome on itself, and Lindqvist explains how."]),
    dict(key="calder", topic="talks",
         intro=["Envoy Calder spoke briefly to reporters at Westmarch airport this morning:"],
         quote=["Question: Is the Halvard round still on for the 8th?",
                "Envoy Calder: We are working on it. Nobody has cancelled anything. <b>Both sides tell us they "
                "want to keep talking</b>, and that is what we are going to do.",
                "Question: Did the President raise Lake Tersa with Premier Vane?",
                "Envoy Calder: I'm not going to get into what was said in that room. [My Emphasis]"],
         after=["Read together with b's update, the round on the 8th is off in all but name. Calder's refusal "
                "to discuss the Vane meeting says more than any readout."]),
    dict(key="morozan", topic="talks",
         intro=["Morozan took a few questions from reporters after the New Year reception:"],
         quote=["Question: Mr President, can a settlement be reached in 2026?",
                "President Morozan: That depends on our partners. If they are ready to deal with the causes of "
                "this conflict and not only with its symptoms, then yes. <b>We are ready for talks, but not "
                "for a pause.</b>",
                "Question: And if they are not ready?",
                "President Morozan: Then the tasks will be solved by other means, as I have said before. "
                "[My Emphasis]"],
         after=["<i>Not for a pause</i> is the whole Kestrian position in five words. Anyone hoping for a "
                "freeze along the present line should read it twice."]),
]

ROWAN_REPLIES = {
    "strip": [
        "Lemm's figures are the first official ones since October, so the growth rate can finally be "
        "computed. IMO it is faster than the Aurelian papers admit.",
        "Yes, the strips will keep growing. Nobody at Halvard has proposed a mechanism to freeze them, "
        "and none will be accepted while drones fly at Lake Tersa.",
        "The depth matters less than what it puts within range. Orlevo's rail junction is the real prize, "
        "and Lemm did not mention it by accident.",
    ],
    "drone": [
        "Whoever provided the targeting data knew the meeting schedule. That narrows the list of suspects "
        "considerably, and Korvask knows the list.",
        "The air defense result matters for Halvard too. A Korvask that feels safe at home has even less "
        "reason to accept a pause.",
        "IMO you underestimate how much Lake Tersa changed the mood in Korvask. Varga doesn't issue "
        "personal statements for effect.",
        "The retaliation will come on Korvask's schedule, not on the schedule of the Aurelian papers. "
        "That has been the pattern since the first winter.",
    ],
    "mandate": [
        "I've written about the mandate question several times. The short version: nobody in Sorvik can "
        "currently sign anything that a future Dravonian court must respect.",
        "IMO the sequence will be decided in Korvask and Westmarch and then presented to Sorvik as a fait "
        "accompli, constitution or no constitution.",
        "The constitutional question is more tangled than most realise. Even after martial law is lifted "
        "a long list of steps must come before an election can be called, and without a legitimate "
        "premier nobody is entitled to take them.",
        "Your ordering is mostly right. IMO there will be negotiations before all of it, and the "
        "constitution won't merely be amended; it will be rewritten once the provinces have voted.",
    ],
    "talks": [
        "Halvard is useful to both sides as a channel even when nothing is agreed there. That is why "
        "neither will walk out, whatever the rhetoric.",
        "Varga's word was revised, not suspended. The channel stays open; the price goes up.",
        "I don't think Morozan needs a deal before spring; Halloran does. That asymmetry decides who "
        "concedes what.",
        "Calder has been careful not to promise Vane anything concrete. The question is whether Westmarch "
        "lets the Aurelian capitals spoil what is agreed at Halvard.",
    ],
    "econ": [
        "The reserves plan has been announced three times now. Each time the legal opinion arrives, the "
        "plan shrinks.",
        "I doubt the reserves will ever be released in full. They've become a chip on the table, and both "
        "sides know it.",
        "[assets] The Aurelian economy is the weak flank of the whole coalition, and Sorn's list is aimed "
        "straight at it.",
    ],
    "concord": [
        "The Concord's problem is that it made promises to Sorvik that it never intended to keep. Korvask "
        "simply read the fine print earlier.",
        "Neutrality is exactly what Varga described, and it was on the table at the very first round of "
        "talks in the spring of the first year.",
        "I'd add that the Concord answered the draft treaties Korvask sent in the winter of 2021 with "
        "nothing but a refusal. Those drafts remain the starting point Varga keeps citing.",
        "Indivisible security is not a slogan in Korvask; it is the legal core of every proposal they "
        "have made since the drafts.",
    ],
    "east": [
        "Isse is the test case for Ardent guarantees in the east, and Hanlin is watching how the "
        "Dravonian guarantees work out.",
        "The Hanlin angle is the one the Aurelian press ignores completely. Much of Korvask's calm at "
        "Halvard rests on the eastern partnership.",
    ],
    "history": [
        "[lindqvist] Lindqvist makes the point better than I can: the suspicion came first and the "
        "reasons were found later.",
        "[lindqvist] As I concluded months ago, there will be votes in all of the former Dravonian "
        "provinces once the operation ends. But the history matters as much as the battlefield, which is "
        "why I keep pointing people to Lindqvist.",
    ],
    "media": [
        "The Aurelian coverage is a subject in itself. I gave up expecting complete quotations years ago.",
        "[strategy] Fair point about the translation. The KNA English version is out now and is close to "
        "mine, though it softens the last sentence.",
    ],
    "meta": [
        "And a good New Year to you too. I expect 2026 will give us even more to argue about.",
        "Happy New Year to you as well. The sources will keep coming, whether or not anyone reads them.",
    ],
}

ROWAN_THANKS = ["Thanks for your reply.", "Thanks for your reply.", "Thanks for your reply.",
                "Thanks for your comment.", "Thanks for your reply and the link.", "Thanks for your reply!"]

# --------------------------------------------------------------------------------------------
# Sentence grammar for everybody else. {a|b|c} picks one alternative, {#lo-hi} a number, and a
# leading "[key] " lets a sentence appear only after source `key` was posted (or at the hours
# named by the time keys, see Gen.set_time_keys). Every combination was written to be grammatical.
# --------------------------------------------------------------------------------------------

TOPIC_T = {
    "strip": [
        "The security strip around {Orlevo|Gravka} is the real map, whatever {Calder|the Ardent envoy} says in Halvard.",
        "If the Malgar strip is already {#16-19} km deep, Orlevo comes within {artillery|drone} range before {spring|the thaw}.",
        "Nobody at Halvard seems to have a plan for the strips, and that {says a lot|is telling}.",
        "A strip {#12-20} kilometres deep sounds modest until you look at how long the line {is|has become}.",
        "The Dravonian command cannot hold {Gravka|the Lisna valley} and {Orlevo|the Sarn bridgeheads} at the same time.",
        "Reserves sent to {Orlevo|the north} are reserves that will not be on the Sarn, and {Lemm|the Kestrian staff} knows it.",
        "Every {week|month} of talks adds {another few kilometres|a village or two} to the strip.",
        "I would not call {#14-18} km a buffer; it is {a front line|a new border} with a friendlier name.",
        "The Lisna valley floods every {January|winter}, so I expect little movement there {until March|before spring}.",
        "{Kalven|Malgar} province was never on the Halvard agenda, which tells you the map will be drawn on the ground.",
        "What matters about the strips is not their depth but their length: {#110-130} km of line for Sorvik to man.",
        "Orlevo had {#300-400} thousand people before the war; {a siege|an encirclement} there would be grim for everyone.",
        "Look at the rail lines on any map of Malgar and the {logic|purpose} of the strip becomes obvious.",
        "The strip in Kalven was {#6-9} km deep in the autumn, so it has roughly doubled in {three|four} months.",
        "Forward units {#15-20} km from Orlevo means the {bridges|river crossings} there are already under fire control.",
        "The Sarn is {wide|deep and fast} at Ilvas, and nobody crosses it in winter {without a plan|by accident}.",
        "The map in the Herald shows the strip bulging toward {Gravka|the Lisna valley}, which is not where the Dravonian papers said it would.",
        "Buffer zones have a way of becoming provinces; ask anyone who lived near the old {Kalven|Sarn} line.",
        "The forward units around Orlevo are {said|reported} to rotate every {#10-14} days, which tells you the pace is deliberate.",
        "Dravonian engineers are digging a second line {behind|west of} Orlevo, so they expect the city to be {contested|cut off}.",
        "[lemm] {Morozan|Lemm} did not say the strip will stop at Orlevo, and nobody asked him.",
        "The farmers in the strip have been told to {leave|move out} before {the thaw|February}; that is not a sign of a frozen line.",
        "From the Kalven ridge you can see {the|all the} rail yards at Orlevo, and that is the whole point of holding it.",
        "Both sides are short of infantry, but Sorvik is shorter, and the strip is where it shows.",
        "The Sarn bridgeheads were quiet for {weeks|a month} and now suddenly {everyone|every channel} is talking about them.",
        "Look at where the new Kestrian depots are being built and you know where the strip is meant to end.",
        "The strip is also a way of saying the border districts will never again be shelled from across the line.",
        "Sorvik calls the strip an occupation zone, Korvask calls it a safety belt, and the villagers call it home.",
        "The Dravonian brigades around Gravka have been pulled out {twice|three times} since October to plug holes elsewhere.",
        "Once Orlevo is within drone range, supplying the city becomes a nightly lottery.",
        "[lemm] Lemm gave figures for depth and length but not for losses, which is the number I would want.",
        "A line that advances a few hundred metres a day still adds up to a province by summer.",
        "The mud will stop the armour but not the drones, so expect the strip to grow from the air first.",
        "The reports from Gravka mention new fortifications facing east, which is the wrong direction for a counter-offensive.",
        "Nobody evacuates a regional centre like Orlevo quietly, and the trains west are full.",
        "In the strip the front is measured in tree lines, and there are not many tree lines left.",
    ],
    "drone": [
        "Eighty-four drones against a meeting of the general staff is not {a gesture|a probe}; it is a decapitation attempt.",
        "Somebody supplied the targeting for Lake Tersa, and it {was not|wasn't} a Dravonian satellite.",
        "The timing, one night after Vane met Halloran, is {hardly|not} a coincidence.",
        "If the air defense really stopped all 84 of them, the {Tersa|layered} model deserves its reputation.",
        "I would like to know {who in Westmarch|whether anyone in Westmarch} was told in advance.",
        "The response Varga promised may not be visible at once; Korvask {usually answers|tends to answer} later and harder.",
        "The Aurelian papers calling the attack staged should explain why anyone would stage a raid on their own general staff.",
        "The drones came from at least {three|four} directions according to the ministry, which suggests weeks of planning.",
        "A hit at Tersa would have buried Halvard for {a decade|years}; perhaps that was {the point|the goal}.",
        "Air defense is expensive, but a decapitated command is {more expensive|far costlier}.",
        "Note that Sorvik denied it within the hour, yet nobody in {the Concord|Westmarch} condemned it.",
        "A raid of that size needs {mid-course|satellite} guidance, and Sorvik has no {satellites|such capability} of its own.",
        "The ministry published {photos|pictures} of the wreckage, and the engines look {Aurelian-made|imported} to me.",
        "Whoever planned Lake Tersa wanted the talks dead and the Ardent side embarrassed {at once|in one night}.",
        "Drones are cheap and interceptors are not; that arithmetic decides the air war {in 2026|next year}.",
        "The Tersa raid was launched in {fog|low cloud}, which tells you someone studied the weather as well as the map.",
        "The Tersa residence is {#350-480} km from the nearest Dravonian launch site, so these were not cheap drones.",
        "Shooting down {84|eighty-four} drones in one night costs more than building them; that is the real attack.",
        "Somebody in Westmarch must now explain to Korvask what they knew and when.",
        "The Aurelian ministers who said nothing about Lake Tersa were very loud about the last Kestrian strike on Sorvik.",
        "I expect the answer to land on {a command centre|a drone factory|the Sorvik power grid}, not on a symbolic target.",
        "Varga writes that the targets have been determined; in Korvask that sentence {usually|normally} means {days|a week}, not months.",
        "If the raid was meant to {sink|end} the Halvard round, it may have succeeded anyway.",
        "I counted three different numbers for the drones in the {Aurelian|Westmarch} press, none of them the official one.",
        "A drone that flies {#400-600} km through air defense needs maps of that air defense, and those maps came from somewhere.",
        "Long range drones are assembled from parts that travel through half the continent, and customs officers are not blind.",
        "The night of the raid the Aurelian radar planes were up over the border again, as they are every night.",
        "If the defense at Tersa had failed, we would now be reading about the end of the talks and not about their delay.",
        "Varga did not name a foreign sponsor, which leaves the door open in both directions.",
        "The photographs of the debris show drones of at least two different types.",
        "Sorvik needed a spectacular success before the January round and did not get one.",
        "Attacks like Tersa are meant for the audience in Westmarch as much as for Korvask.",
        "The drone war is now a war of factories, and Korvask has more of them.",
        "The raid came on the one night of the week when the Tersa meeting was on the official calendar.",
        "Air defense crews at Tersa were on duty for nine hours straight, according to the regional governor.",
        "A state that launches drones at a negotiating partner's leader has told you what it thinks of the negotiations.",
        "Whoever sold the story of a staged attack has not looked at the debris field.",
    ],
    "mandate": [
        "Vane's mandate expired in May 2024, and every lawyer in {Sorvik|Dravonia} knows what that means.",
        "Elections under martial law are impossible under Dravonia's own constitution, so that circle cannot be squared.",
        "Whoever signs for Dravonia has to survive the first court challenge, and Vane {cannot|would not}.",
        "The speaker of the Sejmar is the lawful acting head under the constitution, yet {nobody|no one} mentions her.",
        "Lifting martial law means demobilisation, and demobilisation means the end of the front.",
        "A referendum in the eastern provinces would decide more than any {Halvard|Sejmar} vote ever could.",
        "I doubt the Aurelian governments want elections in Dravonia; they {might|could} produce the wrong result.",
        "Legitimacy is not a {technicality|detail} when you ask people to accept the loss of four provinces.",
        "Every ministerial appointment since May 2024 flows from a premier whose term had expired.",
        "The Sejmar itself extended its own term {twice|three times}, which makes it a shaky source of legitimacy too.",
        "A signature from Vane is worth exactly as much as the next Dravonian court says it is worth.",
        "If there is an election, the diaspora in Kestria {alone|by itself} could swing it.",
        "Nobody in Sorvik wants to be the politician who {lifts|ends} martial law and loses the election that follows.",
        "The constitution says {nothing|next to nothing} about what happens when a mandate expires during a war.",
        "The Sejmar could call an election tomorrow if it wanted to; it does not want to.",
        "Half of the Dravonian cabinet was appointed after May 2024, which a future court will {love|enjoy}.",
        "Vane is now less a premier than a {caretaker|placeholder} with a very large army.",
        "The Aurelian capitals keep demanding elections everywhere near Korvask and never in Sorvik.",
        "Martial law has been extended {#9-12} times now, each time for ninety days.",
        "A peace deal signed under an expired mandate is a gift to whoever wins the next election.",
        "The opposition parties in Sorvik were banned {in 2022|three years ago}, so who exactly would stand?",
        "Under their constitution the acting head cannot dissolve the Sejmar, which makes the whole sequence even slower.",
        "Ask a Dravonian lawyer in private and you get a very different answer than on television.",
        "There is no provision in the Dravonian constitution for extending a premier's term by decree, and yet here we are.",
        "The Sejmar speaker has been very quiet lately, which may be the most sensible thing anyone in Sorvik has done.",
        "Vane's approval ratings were falling long before the war, and nobody dares poll now.",
        "An election in wartime would be fought over the front line, not over the budget.",
        "Every month the question of who may sign becomes harder to answer.",
        "Korvask has said clearly that it wants a partner who can sign and whose signature survives.",
        "The diaspora vote alone would decide a close election, and it is nearly impossible to organise.",
        "A transitional government is the obvious answer, and nobody in Sorvik wants to be in it.",
        "Dravonian courts have been remarkably silent on the mandate question, which is its own kind of answer.",
        "The ballot would have to be printed, the lists rebuilt and the soldiers allowed to vote, and none of that is possible in a month.",
        "Nobody has asked the four eastern provinces what they want, and they will not be asked by Sorvik.",
    ],
    "talks": [
        "[calder] Calder keeps saying that nobody cancelled anything, which is what diplomats say before the calendar slips.",
        "Halloran wants a signature before his State of the Republic address; Korvask feels no such {pressure|deadline}.",
        "A two-hour call and a {bland|thin} readout: something was agreed that we will not hear about for a while.",
        "A revised position can only mean tougher terms, never softer ones.",
        "The Halvard format was designed for a freeze, not for a settlement, and that is its {flaw|weakness}.",
        "I expect the January round to be {postponed|quietly postponed} before the week is out.",
        "Westmarch cannot deliver {Sorvik|the Aurelian capitals}, and Korvask knows it.",
        "What guarantees comparable to membership would actually mean, nobody has spelled out.",
        "Vane flew to Westmarch asking for launchers and came home with a {handshake|photograph}.",
        "Mediators usually tire before the belligerents do, and Calder looks {tired|worn out} already.",
        "Halvard will go on, since nobody wants to be {blamed|the one blamed} for walking out.",
        "The Ardent side wants the war off the front pages, not necessarily over.",
        "[morozan] Morozan has now said the same thing in {four|five} different ways: talks yes, a pause no.",
        "Every ceasefire proposal so far has been a way to buy Sorvik {time|a season} to rearm.",
        "The real negotiation is between Westmarch and Korvask; the Dravonians are informed afterwards.",
        "It would help if {the readouts|both readouts} described the same phone call.",
        "The readouts of the call differ on the most important word: Westmarch says ceasefire, Korvask says settlement.",
        "Calder has been to Korvask {three|four} times and to Sorvik once; that ratio says who matters.",
        "If Halloran loses patience with Vane, the talks could move faster than anyone expects.",
        "Nobody in Halvard has yet written down where the line would run.",
        "The Ardent side keeps offering to freeze what Korvask has no intention of freezing.",
        "Every postponement of the Halvard round has been followed by an advance on the ground.",
        "Diplomats leak when they are losing the argument, and the Ardent diplomats have been leaking {all week|for days}.",
        "A phone call of two hours is either very good news or very bad news; it is never routine.",
        "Halvard itself has become part of the story: the hotels are full of journalists and empty of news.",
        "The postponement will be blamed on logistics, which is what postponements are always blamed on.",
        "I suspect Calder's real job is to keep Halloran informed, not to persuade anyone.",
        "If Korvask reviews its position upward every time a drone flies, Sorvik is negotiating against itself.",
        "The talks have produced one prisoner exchange and a lot of photographs, which is not nothing.",
        "What Halloran can offer Korvask is sanctions relief, and that needs the Aurelian capitals on board.",
        "A deal that the Aurelian capitals do not sign is a deal that lasts until the next Aurelian election.",
        "The Halvard venue was chosen because it is neutral, but the agenda was written in Westmarch.",
        "Morozan's side keeps saying causes and Halloran's side keeps saying lines; that is the whole gap.",
        "Both capitals now say the other side is not serious, which at least is symmetrical.",
        "The Halvard hosts have quietly extended the hotel bookings to February.",
        "Calder's team has shrunk from twelve to five people, a journalist in Halvard tells me.",
        "When Westmarch says progress, it means the other side has not walked out yet.",
    ],
    "econ": [
        "The Aurelian industry cannot survive another winter of gas at these prices.",
        "Touching the frozen reserves would wreck what is left of Aurelian credibility with the Southern Forum.",
        "[assets] Sorn says there is a list of Aurelian property in Kestria, and I would take her {seriously|at her word}.",
        "The {twenty-first|21st} sanctions package targets goods Kestria stopped importing {two years ago|long ago}.",
        "The Meren pipeline sits empty while Aurelian chemical plants close one by one.",
        "Kestrian grain exports reached a record this season, sanctions notwithstanding.",
        "Who pays for reconstruction in Dravonia will be the decisive question at Halvard.",
        "Shipping insurance on the Ilvas route {doubled|tripled} in a week, and nobody in the Aurelian press noticed.",
        "A loan backed by someone else's money is not a loan; it is a liability waiting for a court.",
        "The Aurelian budget rules were suspended {twice|again} to pay for the war, and voters have noticed.",
        "Fertiliser prices tell you more about this war than any {ministry briefing|press conference}.",
        "The Southern Forum now settles {most|a large share} of its trade outside the Ardent currency.",
        "If the reserves are seized, every central bank from {Hanlin|the south} to the Gulf will draw its own conclusions.",
        "Our heating bill tripled in {two winters|three years}, and the politicians still talk about solidarity.",
        "The Aurelian Commission's reserves plan needs unanimity, and it does not have it.",
        "Kestrian fuel is still reaching the Aurelian market, {relabelled|blended} somewhere along the way.",
        "Every sanctions package comes with a list of exemptions longer than the package.",
        "The Ilvas port handled more grain this year than in any year since the war began.",
        "Aurelian car makers are moving {lines|plants} to Westmarch, and energy is the reason.",
        "The reserves earn interest, and the Commission has already spent the interest {twice|three times} on paper.",
        "A ceasefire would drop the gas price overnight, which is one reason the Aurelian traders want it.",
        "Insurance, freight and interest: the three costs of this war that nobody puts in the headline.",
        "The Southern Forum countries have noticed that assets in Aurelian banks are only safe while you behave.",
        "The Aurelian growth forecast for next year was cut again, and energy is named in the first paragraph.",
        "Kestrian budget revenue from oil fell, but not by anything like what the sanctions planners promised.",
        "The freight rates on the northern route tell you who is trading with whom.",
        "Sorvik's budget is now paid {mostly|largely} from abroad, which means its donors also hold its pen.",
        "Reconstruction contracts are the real prize, and the companies lining up for them are all in Westmarch.",
        "Every winter the Aurelian storage levels are reported as a triumph and the prices as an accident.",
        "Sanctions were supposed to crash the Kestrian economy in months; that was almost four years ago.",
        "An economy can take a lot of pain if the government tells people the truth about it, and the Aurelian ones do not.",
        "The price of diesel in Sorvik has doubled since the summer, and the army gets it first.",
        "The Aurelian steel mills are running at half capacity, and the unions have started to ask why.",
        "Capital flight from Sorvik is the number the Aurelian papers never print.",
    ],
    "concord": [
        "The Concord was told no expansion more than once, and look where that led.",
        "Indivisible security means that no state buys its own security at its neighbour's expense.",
        "The draft treaties Korvask sent in the winter of 2021 remain the baseline, whether the Concord likes it or not.",
        "A neutral Dravonia was always the cheapest outcome for everyone, and it still is.",
        "Concord planners talk about a trip wire as if Dravonia were already a member.",
        "Concord troops inside Dravonia after a settlement are a non-starter in Korvask.",
        "Each round of expansion was sold as stabilising, and each one left the region more dangerous.",
        "I would like Concord headquarters to explain which threat a garrison {in Kalven|on the Sarn} was meant to solve.",
        "The Concord has more members than ever and less agreement {than ever|about what it is for}.",
        "Guarantees without troops are words, and guarantees with troops are a war; Westmarch knows both.",
        "The small Concord states on the border are the loudest, and they would be the first to burn.",
        "Nobody in Korvask will sign anything that leaves Concord missiles {#5-9} minutes from the capital.",
        "The Concord summit in {June|the summer} will demand {three|four} percent of output for arms, and nobody will ask what for.",
        "Concord membership for Dravonia was never on offer in practice, only in speeches.",
        "The border states want permanent garrisons, and the big members want someone else to pay for them.",
        "A security treaty that includes Korvask would be the first honest document the Concord has signed in decades.",
        "Concord officials talk about deterrence; in Korvask the same thing is called encirclement.",
        "Take the missile bases out of the argument and half of the conflict {disappears|goes away}.",
        "The Varnholm summit promised Dravonia membership {one day|some day}, and that promise started the slide.",
        "Ask who benefits from an endless war in Dravonia and the list of Concord arms makers writes itself.",
        "The Concord never answered the question of where its eastern edge is supposed to stop.",
        "The Concord's own studies say it could not hold the Sarn line without a general mobilisation.",
        "Neutrality worked for half a dozen small states for a century; it can work for Dravonia.",
        "The Concord has treated every Kestrian security proposal as a trick, and then wondered why there is no trust.",
        "If the Concord wants guarantees for Dravonia, it will have to discuss guarantees for Korvask too.",
        "The alliance was built for one war and is now looking for another.",
        "Nobody in the Concord capitals wants to say out loud that membership for Dravonia is dead.",
        "A settlement that leaves Concord instructors in Sorvik will be read in Korvask as a pause, not a peace.",
        "The Concord's eastern members have the most to lose from a long war and the loudest voices for one.",
        "The Concord's new rapid force exists mostly on slides.",
        "The word guarantee has been used so often in Concord communiqués that it has stopped meaning anything.",
        "Every Concord summit communique since Varnholm has had a paragraph on Dravonia, and every one is vaguer.",
    ],
    "history": [
        "[lindqvist] Lindqvist's essay deserves a slow reading; she traces the suspicion back to the old courts.",
        "The suspicion of Kestria in the Aurelian press is older than any alliance.",
        "In that part of the continent every town has {two|three} names, and each name is a claim.",
        "My grandmother grew up near {Kalven|the Lisna valley} under three different flags, so I take maps with a pinch of salt.",
        "Every earlier settlement in this region held only as long as it matched the balance of force.",
        "[lindqvist] Lindqvist is right that a settlement which ignores history will be a ceasefire in disguise.",
        "The last time the Sarn was a border, it lasted {#30-45} years and ended in a war nobody wanted.",
        "Read the treaties of the {last century|old empires} and you will find the same three provinces in every one.",
        "The Concord's founders would not recognise what their alliance has become.",
        "History did not start in 2022, whatever the Aurelian schoolbooks now say.",
        "The old trade road from Korvask to the sea ran through Orlevo; that is why the city was fought over {then|before}.",
        "Every generation on that river has been told the other bank belongs to it.",
        "The province names on today's maps are younger than some of the people living there.",
        "The old empires drew the Sarn line with a ruler, and we are still fighting over the ruler.",
        "[lindqvist] Lindqvist's chapter on the newspapers of the last century is {the best part|worth the whole essay}.",
        "A border that moves every fifty years is not a border; it is a tide.",
        "Reading history backwards from today's headlines is how the Aurelian schools teach it now.",
        "The last peace conference on this region took {two|three} years, and it was held after the fighting had stopped.",
        "The people in those villages have changed passports more often than they have changed houses.",
        "Old maps of the region are the best argument against anyone who claims the border is ancient.",
        "Historians in Korvask and Sorvik used to work together on the archives; that ended in 2014.",
        "The memory of the famine years is still the dividing line in Dravonian politics.",
        "The current conflict repeats the pattern of the last century almost step by step.",
        "The grandparents of today's soldiers fought on the same river, some of them on both sides.",
        "[lindqvist] The essay makes the point that fear of Kestria has outlived every reason once given for it.",
        "Borders in this region were never drawn by the people who lived along them.",
    ],
    "east": [
        "Hanlin is watching Halvard very closely, because whatever is agreed there becomes the precedent for the Corran Islands.",
        "[corran] The 2003 treaty between Korvask and Hanlin is far more explicit than most analysts think.",
        "Isse is arming faster than at any time in {decades|living memory}.",
        "The Ardent navy cannot be in the Corran Strait and in the Sarn estuary at the same time.",
        "The drills around the Corran Islands {last week|this month} were the largest yet.",
        "Westmarch wants the Dravonian war frozen so that it can pivot to Hanlin.",
        "Hanlin bought more Kestrian oil this year than the whole Aurelian Union did before the war.",
        "The shipyards of Isse are working three shifts, and the orders come from Westmarch.",
        "The Southern Forum summit in {March|the spring} will matter more for Halvard than any Concord meeting.",
        "Nobody in Hanlin believes that Westmarch will stop at Dravonia.",
        "The Corran Islands are {#150-190} km from the Hanlin coast and {#2000-2600} km from Westmarch; that geography settles a lot.",
        "Hanlin has been careful to say nothing about Lake Tersa, which is itself a statement.",
        "Isse wants Ardent guarantees exactly like the ones Vane asked for, and it will get the same result.",
        "If the Corran question heats up, the Ardent weapons pipeline to Dravonia {shrinks|dries up} overnight.",
        "Korvask and Hanlin held joint patrols near the Corran Strait in {October|November}, which nobody in Aurelia covered.",
        "The east is where Westmarch really wants to be, and Dravonia is in the way.",
        "Hanlin's navy now outnumbers the Ardent fleet in its home waters, and everyone in Isse knows it.",
        "A settlement in Dravonia would free Ardent resources for the Corran Strait, which is exactly why Hanlin is in no hurry.",
        "The Southern Forum has quietly stopped repeating the Ardent line on the Corran Islands.",
        "Trade between Korvask and Hanlin has doubled since the war began, and most of it avoids the Ardent currency.",
        "The eastern partnership is the part of the story the Aurelian press treats as an afterthought.",
        "Isse's prime minister visited Westmarch the same week Vane did, and that is no coincidence.",
        "The Hanlin foreign ministry called the Tersa raid dangerous, which in their language is very strong.",
        "The Corran shipping lanes carry more trade in a week than the Sarn carries in a year.",
        "Isse's new frigates are built with Ardent engines and Hanlin steel, which tells you how tangled it all is.",
    ],
    "media": [
        "Not one of the Aurelian broadsheets printed Varga's statement in full.",
        "The KNA English service is hours behind {again|as usual}; a machine translation is faster.",
        "This <a href=\"https://example.org/sorvik-daily/tersa-night\">Sorvik Daily piece</a> contradicts the official figures on two points.",
        "[calder] Here is a <a href=\"https://example.com/halvard-observer/calder-briefing\">Halvard Observer summary</a> of Calder's briefing.",
        "Our evening news opened with {the weather|a celebrity wedding}; Lake Tersa got ten seconds.",
        "Translations matter here: revised is not the same word as hardened.",
        "The Westmarch papers ran the drone story on page {#6-14}, below an article about {dog food|a cooking show}.",
        "Every headline I saw said Kestria claims; none said Kestria reports.",
        "The same channels that called Tersa staged called the pipeline sabotage an accident.",
        "I have stopped reading the Aurelian press for news; I read it to learn what I am supposed to think.",
        "The <a href=\"https://example.org/kna/en/briefings\">KNA briefing archive</a> is searchable now, which helps.",
        "The Aurelian evening papers used the same photo of a burning building for Tersa that they used in {March|the spring}.",
        "KNA's headline said revised, the Westmarch wire said tougher, and the Sorvik papers said bluff.",
        "[elections] I tried the Herald link and got a paywall, which says something about the Herald.",
        "[calder] The Observer had the best coverage of the Calder briefing, and it is a {two-person|three-person} outfit.",
        "Some of the translations floating around drop the sentence about the negotiating position entirely.",
        "Our public broadcaster interviewed the same retired general for the {fourth|fifth} time this month.",
        "The correction to the Tersa story ran two days later in a box nobody reads.",
        "Reading three national presses on the same event is the best education in media literacy there is.",
        "The Sorvik papers covered the Vane visit as a triumph and the drone raid as a rumour.",
        "When the official channels go quiet, the bloggers fill the gap, for better and worse.",
        "Half the analysis on television is by people who could not find Orlevo on a map a year ago.",
        "[elections] The KNA transcript and the Herald transcript differ in a few words, and those words matter.",
        "The wire photo of Vane in Westmarch has been cropped in two different ways, depending on the paper.",
        "Our morning programme had a ten-minute piece on Halvard and did not mention Lake Tersa once.",
        "Somebody should archive these statements before the official sites reorganise them again.",
    ],
    "meta": [
        "[ny] Happy New Year to {all the barflies|everyone here}, from a cold and windy coast.",
        "Best thread in {weeks|a long while}, thanks to everyone who posted sources.",
        "[eve] It's nearly midnight here and the fireworks have started; the neighbours have not heard of Halvard.",
        "[night] Quiet night at the bar; I suspect everyone is busy with the New Year.",
        "[morning] First coffee of 2026 and already reading about drones.",
        "[tobias] Happy New Year from the Fens, where the ditches have frozen and the news has not.",
        "[eve] Nearly midnight at the bar; happy New Year to the barflies who are already in 2026.",
        "[ny] Back from the family dinner and this thread has doubled.",
        "[morning] Good morning from the coast, and happy New Year; the thread grew a lot overnight.",
        "Reading this thread on the train instead of sleeping.",
    ],
    "general": [
        "The past week has been a good reminder that nothing here is settled until it is settled on the ground.",
        "Much of what passes for analysis this week is wishful thinking with footnotes.",
        "Nobody in this thread expected a quick deal, and that has aged well.",
        "History will be kinder to the sceptics than to the optimists of this year.",
        "If anyone has a better explanation, I would like to hear it.",
        "I have been following this for years and have rarely seen the mood in Korvask this firm.",
        "Nothing about this week makes a quick settlement more likely.",
        "The next month will tell us whether Halvard is a process or a stage set.",
        "It is easy to forget how many people live along that line.",
        "Some of this is theatre, but the drones were real.",
        "The timeline matters more than any single statement.",
        "Watch what they do, not what the readouts say.",
        "All the people who predicted collapse last winter are now predicting it for this winter.",
        "The arithmetic of this war has not changed in a year, only the excuses.",
        "I keep a notebook of predictions from this bar, and the pessimists are winning.",
        "The calm tone from Korvask is the most alarming thing in the whole story.",
        "Wars end at the table, but the table is set on the battlefield.",
        "Nobody with a map and a calendar should expect a deal before spring.",
        "The side that is winning does not negotiate a pause.",
        "The gap between what is said in Halvard and what happens on the ground keeps growing.",
        "It is remarkable how little of this reaches the ordinary news.",
        "Both sides are talking past each other, but only one side is also advancing.",
        "In a year we will look back at this week as a turning point, or as one more false dawn.",
        "I would love to be wrong about this, but I do not think I am.",
        "The official statements are thin, and that is informative in itself.",
        "Everything depends on whether Westmarch is willing to disappoint its Aurelian friends.",
        "This conflict has outlasted every forecast made about it, including mine.",
        "Somewhere in Westmarch there is a planner who already knows how this ends.",
        "The winter will decide more than any meeting.",
        "The question nobody in the Aurelian capitals asks is what they will do the day after.",
        "Patience is the only resource Korvask seems to have in surplus.",
        "The talk of guarantees is mostly talk.",
        "It all comes down to who is willing to pay for another year of this.",
        "There is a lot of noise this week and very little signal.",
    ],
}

OPEN_T = {
    "agree": [
        "Agreed.", "Exactly{.|!}", "{Good|Fair} point.", "Well said.", "Spot on.", "Couldn't agree more.",
        "That matches what {I have been reading|friends in Kalven tell me}.",
        "Yes, and it goes further than that.", "This is the {key|crucial} point.",
        "I think you have it about right.", "True, and worth repeating.", "Precisely my thought.",
        "Right on the money.", "Same impression here.",
    ],
    "disagree": [
        "I don't buy {it|that}.", "Not so fast.", "I think you have this backwards.",
        "That is {wishful thinking|a stretch}.", "With respect, that misreads the {situation|sequence of events}.",
        "Where is the evidence for that?", "Hmm, {not convinced|I doubt it}.",
        "We have heard that every month since the spring.", "Nonsense, I'm afraid.",
        "Sorry, but that does not follow.", "I read it very differently.",
    ],
    "question": [
        "Do you have a {source|link} for that?", "Honest question: who would enforce that?",
        "Where did you see that figure?", "Is that confirmed anywhere?", "How sure are you about that?",
        "What would change your mind?",
    ],
    "rowan": [
        "Thanks for {posting|translating} this{.|, Rowan.}", "Long quote, but worth reading in full.",
        "You read the official line {too literally|at face value}.", "{Useful|Good} find, thanks.",
        "Interesting that they chose to say this now.", "Your bolding is in the right places.",
        "Appreciate the translation work.", "That is a remarkably blunt passage.",
        "Is there an English version yet?", "Worth reading twice, thanks for digging it out.",
    ],
    "implicit": [
        "{Yes|Right}, and this means the order matters.", "That's the whole point though.",
        "Not sure about that.", "Which is exactly why Korvask sounds so calm.",
        "Perhaps, but think about the calendar.", "And nobody in Westmarch will say it in public.",
        "Funny, I read it exactly the opposite way.", "So the question becomes who blinks first.",
        "Maybe. But then why the hurry in Westmarch?", "That may be true for Malgar but not for Kalven.",
        "Yes, this.", "Exactly so, and the Aurelian capitals know it.",
    ],
}

QUIPS = [
    "Ha, well put.", "Link, please?", "Quite so.", "Let us hope cooler heads prevail.", "Seconded.", "Ouch. But fair.",
    "Nicely summarised.", "That made me laugh, thanks.", "Fair enough, I stand corrected.",
    "That is the part that worries me too.", "I had missed that, thanks.", "We shall see soon enough.",
    "Amen to that.", "Not the first time, not the last.", "Touché.", "Thanks, that clears it up.",
    "Good catch.", "Interesting, I did not know that.", "Careful, that is how rumours start.",
    "Wishful thinking, I fear.", "You may be right, sadly.", "Strong words, but I cannot fault them.",
    "Can you say more about that?", "Grim, but probably true.", "I hope you are wrong.",
    "Put that way, it is hard to argue with.", "Agreed, with one small caveat about the timing.",
    "Fair question, no idea.", "Ha! The Westmarch press office would hire you.", "Exactly what I was going to write.",
]

LISTS = [
    "So the order would be:<br>\n1) ceasefire along the present line<br>\n2) end of martial law<br>\n"
    "3) elections<br>\n4) referendums in the east<br>\n5) a treaty, if anyone is left to sign it",
    "My guess for January:<br>\n- Halvard round postponed<br>\n- Calder flies to Korvask<br>\n"
    "- the strip in Malgar grows again<br>\n- Aurelian papers discover the word escalation",
    "Three things to watch:<br>\n1) the Sarn crossings<br>\n2) the Aurelian vote on the reserves<br>\n"
    "3) whether Vane travels again",
]

LINKS = [
    ("https://example.org/kna/2025/12/31/varga-interview", "[strategy] the KNA interview (machine translation)"),
    ("https://example.com/halvard-observer/map-of-the-strips", "a map of the strips"),
    ("https://example.org/sorvik-daily/sejmar-term", "the Sejmar vote on extending its own term"),
    ("https://example.com/meren/flows", "pipeline flow data"),
    ("https://example.org/corran/drills-december", "satellite images of the Corran drills"),
    ("https://example.com/westmarch/strategy-2025.pdf", "the Ardent strategy document"),
    ("https://example.org/grain/season-report", "the grain season report"),
    ("https://example.com/aurelian/commission-reserves-plan", "the Commission's reserves plan"),
]
LINK_T = ["More here: {link}.", "See {link} for the details.", "Worth a look: {link}.",
          "Source: {link}.", "For those who asked, here is {link}."]

# Replies often pick up a word of the comment they answer (in the reference post, a reply to a comment
# on "the NATO/EU strategy" quotes Lavrov on the "US National Security Strategy").
# {t}: the word as written; {T}: with a capital, to open a sentence.
ECHO_REPLY_T = [
    "You mention {t}.", "On {t}: I read it differently.", "{T} is the part that matters here.",
    "The bit about {t} is the key.", "Re {t}: look at the dates.", "{T}? Hardly the whole story.",
    "Good that someone brings up {t}.", "That point on {t} deserves more attention.",
    "About {t}, yes.", "{T}, again.",
]
# ... and so do comments that answer nobody, about whatever is in the air.
ECHO_TOP_T = ["Everyone is talking about {t} today.", "{T} keeps coming up in this thread.",
              "Back to {t} for a moment.", "Nobody has the full picture on {t} yet."]
ECHO_REPLY_P = 0.5       # share of replies that pick up a word of their target
ECHO_TOP_P = 0.15        # share of top-level comments that pick up a word of a recent comment
ECHO_SKIP = {"Our", "My", "Half", "Eighty", "Southern", "Lake", "Concord", "Aurelian", "Kestrian", "Dravonian", "Ardent"}
# lower-case words picked up: nouns, told by their ending (a generator can afford to be rough)
ECHO_NOUN = re.compile(r"[a-z]{3,}(?:tion|sion|ment|ness|ence|ance|ity|ism|ship|ure)s?")

# Capitalised words that must keep their capital after "@NAME, ".
PROPER = {"Korvask", "Kestria", "Kestrian", "Sorvik", "Dravonia", "Dravonian", "Westmarch", "Halvard", "Halloran",
          "Calder", "Vane", "Varga", "Morozan", "Lemm", "Ostrikov", "Sorn", "Orlevo", "Gravka", "Kalven", "Malgar",
          "Lisna", "Sarn", "Ilvas", "Tersa", "Lake", "Hanlin", "Isse", "Corran", "Concord", "Aurelian", "Ardent",
          "Lindqvist", "Sejmar", "Southern", "Meren", "Kestrophobia", "Eighty", "Varnholm", "KNA", "Half",
          "Vane's", "Calder's", "Lindqvist's", "Isse's", "Hanlin's", "Sorvik's", "Lemm's", "KNA's", "Our", "My"}

# Remarks that look like cues but are not edges.
DISTRACTORS = [
    ("@b", "@b{ —|,|:} thanks for pulling the Varga statement together so quickly."),
    ("Thanks b", "Thanks b, this is clearer than anything in our papers."),
    ("editor@example.org", "I sent the Herald link to editor@example.org at the Observer; maybe they will run it."),
    ("@b", "@b{ —|,|:} the readout link in the second paragraph seems to be dead."),
    ("Thanks b", "Thanks b. The Tersa story got two lines in our local paper."),
    ("tips@example.com", "[assets] If anyone has the full Sorn briefing, the Halvard Observer asks for it at tips@example.com."),
    ("@b", "[ny] @b{ —|,|:} happy New Year and thanks for keeping the bar open."),
    ("Thanks b", "Thanks b for keeping this thread going through the holidays."),
]

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

ALT_RE = re.compile(r"\{([^{}]*)\}")
GATE_RE = re.compile(r"^\[(\w+)\] ")      # "[key] text": only after source `key` has been posted
TAG_RE = re.compile(r"<[^>]+>")


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def to_text(fragment: str) -> str:
    """Inline HTML -> text as a browser copy gives it (tags dropped, <br> = newline)."""
    s = re.sub(r"<br>\n?", "\n", fragment)
    s = TAG_RE.sub("", s)
    return html.unescape(s)


def stamp(t: datetime, utc_word: str = "utc") -> str:
    return f"{MONTHS[t.month - 1]} {t.day} {t.year} {t:%H:%M} {utc_word}"


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Comment:
    idx: int                     # position among all posted comments (1-based, before deletions)
    author: str
    time: datetime
    xid: str
    kind: str = "top"
    topic: str = "talks"
    blocks: list = field(default_factory=list)      # ("p", html) | ("bq", [html, ...])
    quotables: list = field(default_factory=list)   # plain sentences others may quote
    edges: list = field(default_factory=list)       # dicts: target(idx), form, cue, evidence, explicit
    number: int = 0               # final number (after deletions); 0 for deleted comments
    footer_nbsp: bool = False
    deleted_at: datetime | None = None


class Exhausted(Exception):
    """A sentence pool has no unused sentence left."""


class Gen:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.used_sentences: dict[str, int] = {}
        self.tpl_uses: dict[str, int] = {}
        self.used_passages: set[str] = set()
        self.distractors: list[dict] = []
        self.distractor_queue = list(DISTRACTORS)
        self.link_uses: dict[str, int] = {}
        self.used_link_sentences: set = set()
        self.lists = list(LISTS)
        self.sources = list(SOURCES)
        self.rowan_replies = {k: list(v) for k, v in ROWAN_REPLIES.items()}
        self.posted: set[str] = set()      # keys of sources (and b's update) already in the thread
        self.tpl_last: dict[str, int] = {}  # template -> index of the comment that last used it
        self.cur_idx = 0
        self.time_keys: set[str] = set()
        self._prior: tuple = (None, "")
        self.safety_net = 0
        # word echoes draw from their own stream, so the thread's structure does not depend on them
        self.echo_rng = random.Random(f"echo:{seed}")

    # ---------------------------------------------------------------- text
    def expand(self, tpl: str) -> str:
        rng = self.rng

        def rep(m):
            body = m.group(1)
            if body.startswith("#"):
                lo, hi = body[1:].split("-")
                return str(rng.randint(int(lo), int(hi)))
            return rng.choice(body.split("|"))

        s = ALT_RE.sub(rep, GATE_RE.sub("", tpl))
        s = re.sub(r" {2,}", " ", s)
        return s.strip()

    @staticmethod
    def n_expansions(tpl: str) -> int:
        n = 1
        for m in ALT_RE.finditer(tpl):
            b = m.group(1)
            if b.startswith("#"):
                lo, hi = b[1:].split("-")
                n *= int(hi) - int(lo) + 1
            else:
                n *= len(b.split("|"))
        return n

    def sentence(self, pool: list[str], limit: int = 1, exclude: set | None = None,
                 cap: int | None = None) -> str:
        """A sentence from pool. The same string is used at most `limit` times in the thread and the
        same template at most `cap` times (default: 2, or 1 for a template without alternatives)."""
        rng = self.rng

        def tcap(t):
            return cap if cap is not None else (1 if self.n_expansions(t) == 1 else 2)

        cands = [t for t in pool if (not exclude or t not in exclude) and self.tpl_uses.get(t, 0) < tcap(t)
                 and self.gate_ok(t) and self.cur_idx - self.tpl_last.get(t, -999) >= 50]
        for _ in range(40):
            if not cands:
                break
            weights = [max(1, 60 // (1 + self.tpl_uses.get(t, 0)) ** 2) for t in cands]
            tpl = rng.choices(cands, weights=weights)[0]
            s = self.expand(tpl)
            if self.used_sentences.get(s, 0) < limit:
                self.used_sentences[s] = self.used_sentences.get(s, 0) + 1
                self.tpl_uses[tpl] = self.tpl_uses.get(tpl, 0) + 1
                self.tpl_last[tpl] = self.cur_idx
                if cap == 3:
                    self.safety_net += 1
                if exclude is not None:
                    exclude.add(tpl)
                return s
        raise Exhausted(str(pool[:1]))

    def gate_ok(self, tpl: str) -> bool:
        m = GATE_RE.match(tpl)
        return m is None or m.group(1) in self.posted or m.group(1) in self.time_keys

    def set_time_keys(self, t: datetime):
        """Gates that depend on the hour: New Year greetings only around midnight, and so on."""
        def at(y, mo, d, h, mi=0):
            return datetime(y, mo, d, h, mi, tzinfo=UTC)
        keys = set()
        if at(2025, 12, 31, 17) <= t < at(2026, 1, 1, 14):
            keys.add("ny")
        if at(2025, 12, 31, 21) <= t < at(2026, 1, 1, 0, 45):
            keys.add("eve")
        if at(2025, 12, 31, 23) <= t < at(2026, 1, 1, 6):
            keys.add("night")
        if at(2026, 1, 1, 5) <= t < at(2026, 1, 1, 11):
            keys.add("morning")
        self.time_keys = keys

    def emphasise(self, s: str) -> str:
        r = self.rng.random()
        if "<" in s or r > 0.10:
            return s
        tag = self.rng.choice(["i", "em", "b", "strong"])
        return f"<{tag}>{s}</{tag}>"

    def topic_sentences(self, topic: str, n: int, c: Comment) -> list[str]:
        used: set = set()
        out = []
        me = AUTHOR.get(c.author)
        order = [topic] + [t for t in (me.topics if me else ()) if t != topic] + ["general"]
        order += [t for t in TOPIC_T if t not in order and t != "meta"]
        for k in range(n):
            if k == 1 and topic == "meta":
                order = [t for t in order if t != "meta"]
            s = None
            for cap in (None, 3):
                for t in order:
                    try:
                        s = self.sentence(TOPIC_T[t], exclude=used, cap=cap)
                        break
                    except Exhausted:
                        continue
                if s is not None:
                    break
            if s is None:
                break
            if not out and t not in ("general", "meta"):
                c.topic = t                  # what the comment is really about, for those who answer it
            self.note_quotable(c, s)
            out.append(self.emphasise(s))
        if not out:
            raise Exhausted(topic)
        return out

    def note_quotable(self, c: Comment, s_html: str):
        text = to_text(s_html)
        if len(text.split()) >= 8 and "@" not in text and "|" not in text and "\n" not in text:
            c.quotables.append(text)

    def link_sentence(self) -> str:
        cands = [x for x in LINKS if self.link_uses.get(x[0], 0) < 2 and self.gate_ok(x[1])]
        url, label = self.rng.choice(cands)
        label = GATE_RE.sub("", label)
        self.link_uses[url] = self.link_uses.get(url, 0) + 1
        tpls = [t for t in LINK_T if (t, url) not in self.used_link_sentences] or LINK_T
        tpl = self.rng.choice(tpls)
        self.used_link_sentences.add((tpl, url))
        return tpl.replace("{link}", f'<a href="{url}">{esc(label)}</a>')

    def paragraphs(self, topic: str, n_sent: int, c: Comment, lead: str | None = None) -> list[str]:
        """n_sent topic sentences (plus optional lead sentence) split into 1-3 paragraphs."""
        sents = self.topic_sentences(topic, n_sent, c)
        if lead:
            sents.insert(0, lead)
        paras, cur = [], []
        for s in sents:
            cur.append(s)
            if len(cur) >= 2 and self.rng.random() < 0.35:
                paras.append(" ".join(cur))
                cur = []
        if cur:
            paras.append(" ".join(cur))
        return paras

    # ---------------------------------------------------------------- timeline and moderation
    def make_times(self) -> list[datetime]:
        rng = self.rng
        gaps = list(range(36))
        weights = [3] + [100] * 6 + [60] * 6 + [30] * 8 + [10] * 15
        t, out = FIRST_COMMENT, [FIRST_COMMENT]
        for _ in range(N_TOTAL - 1):
            g = rng.choices(gaps, weights=weights)[0]
            if 1 <= t.hour < 7:                      # the bar is quiet at night (UTC)
                g = g * 3 + 4
            t += timedelta(minutes=g)
            out.append(t)
        return out

    def shown_number(self, j: int, when: datetime) -> int:
        """The number comment j showed at time `when` (deleted comments before it vanish)."""
        return j - sum(1 for d, at in self.deletions.items() if d < j and at <= when)

    def is_stale(self, j: int, when: datetime) -> bool:
        return self.shown_number(j, when) != self.final_number[j]

    # ---------------------------------------------------------------- build
    def build(self):
        rng = self.rng
        times = self.make_times()
        prefix = "6a00e5" + "".join(rng.choice("0123456789abcdef") for _ in range(12))
        xids: list[str] = []
        while len(xids) < N_TOTAL:
            x = prefix + "".join(rng.choice("0123456789abcdef") for _ in range(16))
            if x not in xids:
                xids.append(x)
        self.sidebar_xids = ["6a00e5" + "".join(rng.choice("0123456789abcdef") for _ in range(28))
                             for _ in SIDEBAR_OTHER]
        self.comments: dict[int, Comment] = {
            i: Comment(i, "", times[i - 1], xids[i - 1]) for i in range(1, N_TOTAL + 1)}

        # three troll comments in the first half, each deleted an hour or two after it was posted
        troll_slots = [rng.randint(15, 30), rng.randint(40, 58), rng.randint(64, 84)]
        self.deletions = {}
        for k, d in enumerate(troll_slots):
            self.comments[d].author = TROLLS[k]
            self.comments[d].kind = "troll"
            at = times[d - 1] + timedelta(minutes=rng.randint(110, 240))
            if at.hour < 7:                          # the moderator sleeps; he cleans up after breakfast
                at = at.replace(hour=7, minute=rng.randint(5, 50))
            self.deletions[d] = at
            self.comments[d].deleted_at = self.deletions[d]
        self.final_number = {}
        n = 0
        for i in range(1, N_TOTAL + 1):
            if i not in self.deletions:
                n += 1
                self.final_number[i] = n
                self.comments[i].number = n

        # the host's own comments
        plan = {}
        plan[rng.randint(8, 11)] = "early"
        last_del = max(self.deletions.values())
        plan[next(i for i in range(1, N_TOTAL + 1) if times[i - 1] > last_del + timedelta(minutes=4)
                  and i not in self.deletions and i not in plan)] = "modnote"
        update_at = datetime(2026, 1, 1, 9, 40, tzinfo=UTC)
        plan[next(i for i in range(1, N_TOTAL + 1) if times[i - 1] >= update_at and i not in plan)] = "update"
        plan[next(i for i in range(140, N_TOTAL) if i not in plan and i - 1 not in plan)] = "lukasz"
        for d in self.deletions:
            plan.pop(d, None)
        self.update_time = times[[i for i, k in plan.items() if k == "update"][0] - 1]

        fresh = []
        for base in (5, 29, 57, 93, 127, 161):
            s = base + rng.randint(-2, 2)
            while s in plan or s in self.deletions or s - 1 in plan:
                s += 1
            fresh.append(s)
        self.fresh_slots = fresh

        self.obligations: list[dict] = []
        pending_fresh = 0
        prev = None
        rowan_fresh_done = 0
        topcount = 0
        for i in range(1, N_TOTAL + 1):
            c = self.comments[i]
            self.cur_idx = i
            self.set_time_keys(c.time)
            if c.kind == "troll":
                prev = c.author
                continue
            self.expire(i)
            if i in fresh:
                pending_fresh += 1
            if i in plan and prev != HOST:
                c.author = HOST
                self.make_host(c, plan[i])
            else:
                ob = self.pick_obligation(i, prev)
                if ob is None and pending_fresh and prev != MAIN:
                    c.author = MAIN
                    obls = self.take_rowan_obligations(i, 2)
                    self.make_rowan(c, True, obls)
                    pending_fresh -= 1
                    rowan_fresh_done += 1
                    if rowan_fresh_done == 3:
                        self.obligations.append(dict(author=HOST, target=i, due=i + rng.randint(3, 6)))
                elif ob is not None and ob["author"] == MAIN:
                    c.author = MAIN
                    obls = [ob] + self.take_rowan_obligations(i, 1)
                    with_fresh = pending_fresh > 0 and rng.random() < 0.6
                    self.make_rowan(c, with_fresh, obls)
                    if with_fresh:
                        pending_fresh -= 1
                        rowan_fresh_done += 1
                elif ob is not None:
                    c.author = ob["author"]
                    if c.author == HOST:
                        self.make_host(c, "rowan", target=ob["target"])
                    else:
                        self.make_other(c, obligation=ob)
                else:
                    c.author = self.sample_author(i, prev)
                    topcount = self.make_other(c, topcount=topcount)
            self.after_comment(c)
            prev = c.author

    # ---------------------------------------------------------------- scheduling
    def expire(self, i: int):
        self.obligations = [o for o in self.obligations
                            if i <= o["due"] + (25 if o["author"] in (MAIN, HOST) else 12)]

    def pick_obligation(self, i: int, prev: str | None):
        due = [o for o in self.obligations if o["due"] <= i and o["author"] != prev]
        if not due:
            return None
        due.sort(key=lambda o: (o["author"] != MAIN, o["due"]))
        ob = due[0]
        self.obligations.remove(ob)
        return ob

    def take_rowan_obligations(self, i: int, k: int) -> list[dict]:
        mine = [o for o in self.obligations if o["author"] == MAIN][:k]
        for o in mine:
            self.obligations.remove(o)
        return mine

    def rowan_count(self) -> int:
        return sum(1 for c in self.comments.values() if c.author == MAIN)

    def after_comment(self, c: Comment):
        rng = self.rng
        i = c.idx
        for e in c.edges:
            tgt = self.comments[e["target"]].author
            if c.author == MAIN:
                if tgt not in (HOST,) and rng.random() < 0.62:
                    self.obligations.append(dict(author=tgt, target=i, due=i + rng.randint(1, 7)))
            elif tgt == MAIN:
                pending = sum(1 for o in self.obligations if o["author"] == MAIN)
                remaining_fresh = sum(1 for s in self.fresh_slots if s > i)
                have = self.rowan_count() + pending
                if (have + remaining_fresh < 15 and have < 3 + (12 * i) // N_TOTAL
                        and rng.random() < 0.85):
                    self.obligations.append(dict(author=MAIN, target=i, due=i + rng.randint(2, 8)))
            elif tgt != HOST and c.author != HOST and rng.random() < 0.22:
                self.obligations.append(dict(author=tgt, target=i, due=i + rng.randint(1, 12)))

    def sample_author(self, i: int, prev: str | None) -> str:
        recent = {self.comments[j].author for j in range(max(1, i - 2), i)}
        cands = [a for a in AUTHORS if a.weight and a.name not in recent and a.name != prev]
        return self.rng.choices([a.name for a in cands], weights=[a.weight for a in cands])[0]

    def valid_target(self, j: int, author: str) -> bool:
        c = self.comments[j]
        return c.kind not in ("troll", "modnote") and c.author != author and c.author != ""

    def latest_by(self, name: str, before: int) -> int | None:
        for j in range(before - 1, 0, -1):
            if self.comments[j].author == name and self.comments[j].kind != "troll":
                return j
        return None

    def pick_targets(self, i: int, author: str, k: int) -> list[int]:
        cands, weights = [], []
        for j in range(1, i):
            if not self.valid_target(j, author):
                continue
            w = 120 // (i - j + 2) + 1
            if self.comments[j].author == MAIN:
                w *= 4
            if any(self.comments[e["target"]].author == author for e in self.comments[j].edges):
                w *= 4
            cands.append(j)
            weights.append(w)
        out: list[int] = []
        while len(out) < k and cands:
            j = self.rng.choices(cands, weights=weights)[0]
            if all(self.comments[j].author != self.comments[o].author for o in out):
                out.append(j)
            p = cands.index(j)
            cands.pop(p)
            weights.pop(p)
        return sorted(out)

    # ---------------------------------------------------------------- cues
    def allowed_forms(self, i: int, j: int, replier: str) -> dict[str, int]:
        c, t = self.comments[i], self.comments[j]
        stale = self.is_stale(j, c.time)
        if replier == MAIN:
            forms = {"address": 88}
            if not stale and self.passage_candidates(j, i):
                forms["quote"] = 12
            return forms
        if replier == HOST:
            return {"address": 50} if stale else {"address": 50, "number": 50}
        forms = {"address": 36}
        if not stale:
            forms["number"] = 22
        if t.author != HOST and self.latest_by(t.author, i) == j:
            forms["mention"] = 28
        if not stale and self.passage_candidates(j, i):
            forms["quote"] = 16
        return forms

    def choose_form(self, i: int, j: int, replier: str) -> str:
        forms = self.allowed_forms(i, j, replier)
        return self.rng.choices(list(forms), weights=list(forms.values()))[0]

    def address_cue(self, i: int, j: int) -> tuple[str, str, str, str]:
        """(html of the address line incl. its trailing mark, evidence text, cue label, form)."""
        rng = self.rng
        t = self.comments[j]
        when = self.comments[i].time
        n = self.shown_number(j, when)
        form = "stale-address" if n != self.final_number[j] else "address"
        word = "UTC" if rng.random() < 0.15 else "utc"
        date = stamp(t.time, word)
        style = rng.choices(["plain", "nbsp-entity", "nbsp-char", "link-anchor", "link-permalink"],
                            weights=[60, 8, 8, 12, 12])[0]
        name = esc(t.author)
        if style == "nbsp-entity":
            h = f"{name}&nbsp;|&nbsp;{date}&nbsp;|&nbsp;{n}"
            ev = f"{t.author}{NBSP}|{NBSP}{date}{NBSP}|{NBSP}{n}"
        elif style == "nbsp-char":
            h = f"{name}{NBSP}| {date} |{NBSP}{n}"
            ev = f"{t.author}{NBSP}| {date} |{NBSP}{n}"
        else:
            h = f"{name} | {date} | {n}"
            ev = f"{t.author} | {date} | {n}"
            if style == "link-anchor":
                h = f'<a href="#c{t.xid}">{h}</a>'
            elif style == "link-permalink":
                h = f'<a href="{POST_URL}#c{t.xid}">{h}</a>'
        mark = rng.choices(["—", "–", "--", ":", ""], weights=[30, 12, 20, 18, 20])[0]
        marks = {"—": "emdash", "–": "endash", "--": "double-hyphen", ":": "colon", "": "none"}
        label = f"address:{style}:{word}:{marks[mark]}"
        return h + mark, ev, label, form

    def number_cue(self, i: int, j: int) -> tuple[str, str, str]:
        """(prefix html, evidence, label). The number is never stale here (see allowed_forms)."""
        t = self.comments[j]
        n = self.final_number[j]
        styles = ["@N", "@N:", "#N", "NAME @N", "NAME @N:"]
        weights = [30, 14, 14, 22, 12]
        if re.fullmatch(r"[\w.\-']+", t.author):
            styles.append("@NAME N")
            weights.append(16)
        st = self.rng.choices(styles, weights=weights)[0]
        name = t.author
        ev = {"@N": f"@{n}", "@N:": f"@{n}", "#N": f"#{n}", "NAME @N": f"{name} @{n}",
              "NAME @N:": f"{name} @{n}", "@NAME N": f"@{name} {n}"}[st]
        names = {"@N": "at-n", "@N:": "at-n-colon", "#N": "hash-n", "NAME @N": "name-at-n",
                 "NAME @N:": "name-at-n-colon", "@NAME N": "at-name-n"}
        return esc(ev) + (":" if st.endswith(":") else ""), ev, f"number:{names[st]}"

    def prior_text(self, i: int) -> str:
        """The post and every comment before i, joined (cached for the comment being built)."""
        if self._prior[0] != i:
            texts = [self.post_text] + [self.comment_text(self.comments[k]) for k in range(1, i)
                                        if self.comments[k].kind != "troll"]
            self._prior = (i, "\n\n\x00".join(texts))
        return self._prior[1]

    def passage_candidates(self, j: int, i: int) -> list[str]:
        """Sentences of comment j, not quoted yet, that occur exactly once before comment i."""
        prior = self.prior_text(i)
        return [s for s in self.comments[j].quotables if s not in self.used_passages and prior.count(s) == 1]

    def pick_passage(self, j: int, i: int) -> str:
        rng = self.rng
        cands = self.passage_candidates(j, i)
        rng.shuffle(cands)
        prior = self.prior_text(i)
        target = self.comment_text(self.comments[j])
        for s in cands:
            variants = [s]
            # sometimes quote only a clause (cut after a comma, semicolon or colon) of 8+ words
            clauses = [x.rstrip(",;:") for x in re.split(r"(?<=[,;:])\s+", s) if len(x.split()) >= 8]
            if clauses and clauses != [s] and rng.random() < 0.5:
                variants.insert(0, rng.choice(clauses))
            for passage in variants:
                if prior.count(passage) == 1 and passage in target:
                    self.used_passages.add(s)
                    return passage
        raise RuntimeError(f"no unique passage in comment {j}")

    def quote_blocks(self, i: int, j: int) -> tuple[list, str, str]:
        t = self.comments[j]
        passage = self.pick_passage(j, i)
        style = self.rng.choice(["plain", "plain", "ellipsis", "italic"])
        ph = esc(passage)
        if style == "ellipsis":
            ph = f"…{ph}…"
        elif style == "italic":
            ph = f"<i>{ph}</i>"
        n = self.shown_number(j, self.comments[i].time)
        blocks = [("bq", [ph]), ("p", f"Posted by: {esc(t.author)} | {stamp(t.time)} | {n}")]
        return blocks, passage, f"quote:{style}:posted-by"

    def mention_cue(self, j: int) -> tuple[str, str, str, bool]:
        """(html, evidence, label, inline). inline=True means it is a sentence of its own."""
        name = self.comments[j].author
        st = self.rng.choices(["@NAME", "@NAME:", "@NAME,", "inline"], weights=[30, 25, 15, 30])[0]
        if st == "inline":
            tpl = self.rng.choice(["I'm with @{n} on this.", "@{n} has a point.", "Agree with @{n}.",
                                   "Sorry @{n}, but no.", "Just adding to what @{n} wrote.",
                                   "Good question from @{n}.", "As @{n} says, look at the calendar."])
            return esc(tpl.replace("{n}", name)), f"@{name}", "mention:inline", True
        names = {"@NAME": "at-name", "@NAME:": "at-name-colon", "@NAME,": "at-name-comma"}
        return esc("@" + name) + st[5:], f"@{name}", f"mention:{names[st]}", False

    @staticmethod
    def decap(text: str) -> str | None:
        """Lower-case the first word when it is an ordinary word (for text after "@NAME, ")."""
        m = re.match(r"[A-Z][a-z']*", text)
        if not m or m.group(0) in ("I", "I'd", "I'm", "I've") or m.group(0) in PROPER:
            return None
        return text[0].lower() + text[1:]

    def add_edge(self, c: Comment, j: int, form: str, label: str, evidence: str, explicit: bool = True):
        c.edges.append(dict(target=j, form=form, cue=label, evidence=evidence, explicit=explicit))

    # ---------------------------------------------------------------- bodies
    def reply_paras(self, c: Comment, j: int | None, opener_kind: str | None, n_sent: int,
                    topic: str | None = None) -> list[str]:
        rng = self.rng
        me = AUTHOR[c.author]
        if topic is None:
            if j is not None and rng.random() < 0.85:
                topic = self.comments[j].topic
            else:
                topic = rng.choice(me.topics)
        if topic == "meta":                  # greetings start threads of their own, not replies
            topic = rng.choice([t for t in me.topics if t != "meta"])
        c.topic = topic
        lead = None
        if opener_kind:
            try:
                lead = self.sentence(OPEN_T[opener_kind], limit=2)
            except Exhausted:
                lead = None
        if n_sent <= 1 and rng.random() < 0.35:
            try:
                quip = self.sentence(QUIPS)
                self.note_quotable(c, quip)
                return self.with_echo([quip], c.idx, j, None) if j is not None else [quip]
            except Exhausted:
                pass
        paras = self.paragraphs(topic, n_sent, c, lead=lead)
        if j is not None:
            paras = self.with_echo(paras, c.idx, j, lead)
        r = rng.random()
        if r < 0.07:
            paras.append(self.link_sentence())
        elif r < 0.10 and self.lists and topic in ("mandate", "talks", "strip"):
            paras.append(self.lists.pop(0))
        return paras

    def echo_term(self, j: int, i: int) -> str | None:
        """A word of comment j to pick up in comment i: a name or a noun, the rarer in the thread
        before i the likelier (people pick up what is particular to the comment they answer)."""
        words = []
        for w in re.findall(r"[A-Za-z][A-Za-z'-]*[A-Za-z]", self.comment_text(self.comments[j])):
            w = w[:-2] if w.endswith("'s") else w
            if w in PROPER and w not in ECHO_SKIP:
                words.append(w)
            elif ECHO_NOUN.fullmatch(w) and w not in ("question", "questions"):
                words.append(w)
        words = sorted(set(words))
        if not words:
            return None
        others = [self.comment_text(self.comments[k]).lower() for k in range(1, i)
                  if k != j and self.comments[k].kind != "troll"]
        weights = [1.0 / (1 + sum(w.lower() in t for t in others)) ** 2 for w in words]
        return self.echo_rng.choices(words, weights=weights)[0]

    def with_echo(self, paras: list[str], i: int, j: int | None, lead: str | None) -> list[str]:
        """paras, with a sentence picking up a word of comment j (a reply) or of a recent comment
        (j None: a comment that answers nobody) in some comments; after the opener, if any."""
        er = self.echo_rng
        if j is None:
            recent = [k for k in range(max(1, i - 8), i) if self.comments[k].kind not in ("troll", "modnote")]
            if not recent or er.random() >= ECHO_TOP_P:
                return paras
            j, pool = er.choice(recent), ECHO_TOP_T
        elif er.random() >= ECHO_REPLY_P:
            return paras
        else:
            pool = ECHO_REPLY_T
        term = self.echo_term(j, i)
        if term is None:
            return paras
        tpl = er.choice(pool)
        sent = tpl.replace("{t}", term).replace("{T}", term[0].upper() + term[1:])
        first = paras[0]
        if lead and first.startswith(lead):
            first = f"{lead} {sent}{first[len(lead):]}"
        else:
            first = f"{sent} {first}"
        return [first] + paras[1:]

    def opener_for(self, c: Comment, j: int) -> str | None:
        rng = self.rng
        me, them = AUTHOR[c.author], self.comments[j]
        if rng.random() < 0.3:
            return None
        if them.author == MAIN and any(k == "bq" for k, _ in them.blocks) and rng.random() < 0.45:
            return "rowan"
        other = AUTHOR.get(them.author)
        clash = other is not None and {me.stance, other.stance} == {"pro", "skeptic"}
        r = rng.random()
        if clash:
            return "disagree" if r < 0.7 else "question"
        return "agree" if r < 0.5 else ("disagree" if r < 0.8 else "question")

    def n_sentences(self) -> int:
        return self.rng.choices([1, 2, 3, 4, 5, 6], weights=[32, 32, 19, 9, 5, 3])[0]

    def make_other(self, c: Comment, obligation: dict | None = None, topcount: int = 0) -> int:
        rng = self.rng
        i = c.idx
        me = AUTHOR[c.author]
        if obligation is not None:
            mode = "implicit" if rng.random() < 0.2 else "explicit"
            targets = [obligation["target"]]
            if not self.valid_target(targets[0], c.author):
                mode, targets = "top", []
        else:
            r = rng.random()
            if i <= 3 or r < 0.26:
                mode, targets = "top", []
            elif r < 0.43:
                mode = "implicit"
                back = [k for k in (i - 1, i - 2) if self.valid_target(k, c.author)]
                targets = back[:1]
                if not targets:
                    mode = "top"
            else:
                mode = "explicit"
                targets = self.pick_targets(i, c.author, 2 if rng.random() < 0.15 else 1)
                if not targets:
                    mode = "top"
        c.kind = mode

        if c.author == "Tobias of the Fens":
            self.time_keys.add("tobias")
        if mode == "top":
            topic = rng.choice([t for t in me.topics if t != "meta"])
            if "ny" in self.time_keys and rng.random() < 0.3:
                topic = "meta"
            c.topic = topic
            n = self.n_sentences() + (1 if rng.random() < 0.5 else 0)
            lead = None
            topcount += 1
            ready = [d for d in self.distractor_queue if self.gate_ok(d[1])]
            if ready and topcount % 3 != 2:
                kind, tpl = ready[0]
                self.distractor_queue.remove(ready[0])
                lead = self.expand(tpl)
                self.distractors.append(dict(idx=i, text=kind))
            paras = self.with_echo(self.paragraphs(topic, n, c, lead=lead), i, None, lead)
            if rng.random() < 0.08:
                paras.append(self.link_sentence())
            c.blocks = [("p", p) for p in paras]
            return topcount

        if mode == "implicit":
            j = targets[0]
            paras = self.reply_paras(c, j, "implicit" if rng.random() < 0.7 else None,
                                     self.n_sentences(), topic=self.comments[j].topic)
            c.blocks = [("p", p) for p in paras]
            self.add_edge(c, j, "implicit", "implicit", "", explicit=False)
            return topcount

        if len(targets) == 2:
            self.make_multi(c, targets)
            return topcount

        j = targets[0]
        form = self.choose_form(i, j, c.author)
        mcue = self.mention_cue(j) if form == "mention" else None
        opener = None if mcue and mcue[3] else self.opener_for(c, j)   # an inline mention is its own opener
        paras = self.reply_paras(c, j, opener, self.n_sentences())
        if form == "address":
            h, ev, label, form = self.address_cue(i, j)
            if rng.random() < 0.5:
                c.blocks = [("p", f"{h}<br>\n{paras[0]}")] + [("p", p) for p in paras[1:]]
                label += ":br"
            else:
                c.blocks = [("p", h)] + [("p", p) for p in paras]
                label += ":para"
            self.add_edge(c, j, form, label, ev)
        elif form == "number":
            h, ev, label = self.number_cue(i, j)
            sep = ":" if paras[0][:1].isdigit() and not h.endswith(":") else ""
            c.blocks = [("p", f"{h}{sep} {paras[0]}")] + [("p", p) for p in paras[1:]]
            self.add_edge(c, j, "number", label, ev)
        elif form == "mention":
            h, ev, label, inline = mcue
            if inline:
                first = f"{h} {paras[0]}"
            else:
                text = paras[0]
                if h.endswith(","):
                    low = self.decap(text)
                    if low is None:
                        h, label = h[:-1] + ":", "mention:at-name-colon"
                    else:
                        text = low
                sep = ":" if text[:1].isdigit() and not h.endswith((":", ",")) else ""
                first = f"{h}{sep} {text}"
            c.blocks = [("p", first)] + [("p", p) for p in paras[1:]]
            self.add_edge(c, j, "mention", label, ev)
        else:
            qb, passage, qlabel = self.quote_blocks(i, j)
            c.blocks = qb + [("p", p) for p in paras]
            self.add_edge(c, j, "quote", qlabel, passage)
        return topcount

    def make_multi(self, c: Comment, targets: list[int]):
        rng = self.rng
        i = c.idx
        a, b_ = targets
        fa = self.allowed_forms(i, a, c.author)
        fb = self.allowed_forms(i, b_, c.author)
        styles = ["two-address"]
        if "number" in fa and "number" in fb:
            styles += ["numbers", "numbers"]
        if "quote" in fb:
            styles.append("address+quote")
        if "mention" in fa and "number" in fb:
            styles.append("mention+number")
        st = rng.choice(styles)
        paras = self.reply_paras(c, b_, None, self.n_sentences() + 1)
        if st == "two-address":
            h1, ev1, l1, f1 = self.address_cue(i, a)
            h2, ev2, l2, f2 = self.address_cue(i, b_)
            c.blocks = [("p", f"{h1}<br>\n{h2}")] + [("p", p) for p in paras]
            self.add_edge(c, a, f1, l1 + ":lines:multi", ev1)
            self.add_edge(c, b_, f2, l2 + ":lines:multi", ev2)
        elif st == "numbers":
            h1, ev1, l1 = self.number_cue(i, a)
            h2, ev2, l2 = self.number_cue(i, b_)
            h1, h2 = h1.rstrip(":"), h2.rstrip(":")
            joiner = rng.choice([", ", " and ", " / "])
            c.blocks = [("p", f"{h1}{joiner}{h2}: {paras[0]}")] + [("p", p) for p in paras[1:]]
            self.add_edge(c, a, "number", l1.replace("-colon", "") + ":multi", ev1)
            self.add_edge(c, b_, "number", l2.replace("-colon", "") + ":multi", ev2)
        elif st == "mention+number":
            name = self.comments[a].author
            h2, ev2, l2 = self.number_cue(i, b_)
            c.blocks = [("p", f"@{esc(name)} and {h2.rstrip(':')}: {paras[0]}")] + [("p", p) for p in paras[1:]]
            self.add_edge(c, a, "mention", "mention:at-name:multi", f"@{name}")
            self.add_edge(c, b_, "number", l2.replace("-colon", "") + ":multi", ev2)
        else:
            h1, ev1, l1, f1 = self.address_cue(i, a)
            first = self.reply_paras(c, a, self.opener_for(c, a), self.n_sentences())
            qb, passage, qlabel = self.quote_blocks(i, b_)
            c.blocks = ([("p", f"{h1}<br>\n{first[0]}")] + [("p", p) for p in first[1:]] + qb
                        + [("p", p) for p in paras])
            self.add_edge(c, a, f1, l1 + ":br:multi", ev1)
            self.add_edge(c, b_, "quote", qlabel + ":multi", passage)
        c.kind = "multi"

    def next_source(self, when: datetime) -> dict | None:
        for k, s in enumerate(self.sources):
            if s["key"] == "calder" and when < self.update_time:
                continue
            if s["key"] == "morozan" and when < datetime(2026, 1, 1, 11, 0, tzinfo=UTC):
                continue
            return self.sources.pop(k)
        return None

    def rowan_reply_text(self, topic: str) -> str:
        order = [topic] + [k for k in ROWAN_REPLIES if k != topic]
        for k in order:
            for n, text in enumerate(self.rowan_replies.get(k, [])):
                if self.gate_ok(text):
                    return GATE_RE.sub("", self.rowan_replies[k].pop(n))
        raise Exhausted("rowan replies")

    def make_rowan(self, c: Comment, fresh: bool, obls: list[dict]):
        rng = self.rng
        i = c.idx
        c.kind = "rowan"
        reply_blocks = []
        for ob in obls:
            j = ob["target"]
            if not self.valid_target(j, MAIN):
                continue
            form = self.choose_form(i, j, MAIN)
            thanks = rng.choice(ROWAN_THANKS)
            if "link" in thanks and not any("<a href=\"http" in x for k, x in self.comments[j].blocks if k == "p"):
                thanks = "Thanks for your reply."
            text = self.rowan_reply_text(self.comments[j].topic)
            self.note_quotable(c, text.split(". ")[0] + ".")
            if form == "address":
                h, ev, label, form = self.address_cue(i, j)
                reply_blocks += [("p", h), ("p", f"{thanks} {text}")]
                self.add_edge(c, j, form, label + ":para", ev)
            else:
                qb, passage, qlabel = self.quote_blocks(i, j)
                reply_blocks += qb + [("p", f"{thanks} {text}")]
                self.add_edge(c, j, "quote", qlabel, passage)
        src = self.next_source(c.time) if (fresh or not reply_blocks or rng.random() < 0.35) else None
        src_blocks = []
        if src:
            self.posted.add(src["key"])
            c.topic = src["topic"]
            src_blocks += [("p", p) for p in src["intro"]]
            src_blocks.append(("bq", list(src["quote"])))
            src_blocks += [("p", p) for p in src["after"]]
            for p in src["quote"] + src["after"]:
                t = to_text(p)
                t = re.sub(r"^[A-Z][A-Za-z .]*?: ", "", t).replace(" [My Emphasis]", "")
                for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", t):
                    self.note_quotable(c, esc(s))
        elif c.edges:
            c.topic = self.comments[c.edges[0]["target"]].topic
        if reply_blocks and src_blocks and fresh and rng.random() < 0.5:
            c.blocks = src_blocks + reply_blocks            # address line in mid-body
        else:
            c.blocks = reply_blocks + src_blocks
        if not c.blocks:
            c.blocks = [("p", p) for p in self.paragraphs("talks", 3, c, lead="IMO the calendar matters.")]

    def make_host(self, c: Comment, what: str, target: int | None = None):
        i = c.idx
        c.kind = "host"
        texts = {
            "early": "The ministry has published a map of the launch sites <a href=\"https://example.org/kmod/"
                     "tersa-launch-map\">here</a>. Three directions, two of them over water.",
            "modnote": "I have deleted some off-topic trolling from this thread. The numbers of the comments "
                       "after the deleted ones have shifted, so a few older address lines now point one or two "
                       "numbers off. Please stay on topic.",
            "rowan": "Thanks for the translation. An official English version is now up "
                     "<a href=\"https://example.org/kna/en/latest\">here</a>.",
            "update": "Update: KNA reports that the Halvard round planned for January 8 has been postponed "
                      "<i>for technical reasons</i>. Calder is said to be flying to Korvask instead.",
            "lukasz": "The minutes of the Varnholm summit say the opposite. The point was raised by three "
                      "member states and overruled.",
        }
        body = texts[what]
        self.note_quotable(c, body.split(". ")[0] + ".")
        c.topic = {"early": "drone", "modnote": "meta", "rowan": "media", "update": "talks",
                   "lukasz": "concord"}[what]
        j = None
        if what == "early":
            cands = [k for k in range(2, i) if self.valid_target(k, HOST)]
            drone = [k for k in cands if self.comments[k].topic == "drone"]
            j = self.rng.choice(drone) if drone else None       # else a note of its own
        elif what == "lukasz":
            j = self.latest_by("Łukasz", i)
            if j is None or i - j > 40:
                j = next(k for k in range(i - 1, 0, -1) if self.valid_target(k, HOST)
                         and AUTHOR.get(self.comments[k].author, AUTHORS[0]).stance == "skeptic")
        elif what == "rowan":
            j = target
        if j is None:
            c.blocks = [("p", body)]
            if what == "modnote":
                c.kind = "modnote"
            if what == "update":
                self.posted.add("update")
            return
        form = "number" if what != "rowan" else "address"
        if form == "number" and self.is_stale(j, c.time):
            form = "address"
        if form == "number":
            h, ev, label = self.number_cue(i, j)
            c.blocks = [("p", f"{h} {body}")]
            self.add_edge(c, j, "number", label, ev)
        else:
            h, ev, label, form = self.address_cue(i, j)
            c.blocks = [("p", f"{h}<br>\n{body}")]
            self.add_edge(c, j, form, label + ":br", ev)

    # ---------------------------------------------------------------- text of a comment
    def comment_text(self, c: Comment) -> str:
        paras = []
        for kind, x in c.blocks:
            if kind == "p":
                paras.append(to_text(x))
            else:
                paras.extend(to_text(p) for p in x)
        return "\n\n".join(paras)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

def post_text() -> str:
    out = []
    for kind, x in POST_BLOCKS:
        out.extend([to_text(x)] if kind == "p" else [to_text(p) for p in x])
    return "\n\n".join(out)


def posted_line() -> str:
    return f"Posted by b on {POST_TIME:%B} {POST_TIME.day}, {POST_TIME:%Y at %I:%M %p}"


def blocks_html(blocks: list, indent: str) -> str:
    out = []
    for kind, x in blocks:
        if kind == "p":
            out.append(f"{indent}<p>{x}</p>")
        else:
            inner = "".join(f"<p>{p}</p>" for p in x)
            out.append(f"{indent}<blockquote>{inner}</blockquote>")
    return "\n".join(out)


class Renderer:
    def __init__(self, g: Gen):
        self.g = g
        self.visible = [c for c in g.comments.values() if c.kind != "troll"]

    def footer_html(self, c: Comment) -> str:
        a = AUTHOR[c.author]
        name = esc(c.author)
        if a.url and not (c.author == "Dr. Kettle-Black" and c.idx % 3 == 0):
            name = f'<a rel="nofollow" href="{a.url}">{name}</a>'
        s1, s2 = ("&nbsp;| ", " |&nbsp;") if c.footer_nbsp else (" | ", " | ")
        return (f'Posted by: {name}{s1}<a href="{POST_URL}#c{c.xid}">{stamp(c.time)}</a>{s2}{c.number}')

    @staticmethod
    def footer_text(c: Comment) -> str:
        s1, s2 = (f"{NBSP}| ", f" |{NBSP}") if c.footer_nbsp else (" | ", " | ")
        return f"Posted by: {c.author}{s1}{stamp(c.time)}{s2}{c.number}"

    def comment_html(self, c: Comment) -> str:
        return (f'  <a id="c{c.xid}"></a>\n'
                f'  <div class="comment" id="comment-{c.xid}">\n'
                f'   <div class="comment-content">\n{blocks_html(c.blocks, "    ")}\n   </div>\n'
                f'   <p class="comment-footer">{self.footer_html(c)}</p>\n'
                f'  </div>\n')

    def sidebar_items(self) -> list[tuple[str, str, str]]:
        last = self.visible[-4:][::-1]
        mine = [(c.author, f"{POST_URL}#c{c.xid}", TITLE) for c in last]
        other = [(n, f"{u}#c{self.g.sidebar_xids[k]}", t) for k, (n, u, t) in enumerate(SIDEBAR_OTHER)]
        return [mine[0], mine[1], other[0], mine[2], other[1], other[2], mine[3], other[3]]

    def page(self, comments: list[Comment], page_no: int | None, n_pages: int) -> str:
        post = blocks_html(POST_BLOCKS, "   ")
        parts = [
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            f"<title>{esc(TITLE)} | Moon of Alabama</title></head><body>\n",
            '<div id="container"><div id="content">\n',
            f' <div class="entry"><h3 class="entry-header">{esc(TITLE)}</h3><div class="entry-body">\n',
            post + "\n",
            "  </div>\n",
            f'  <p class="posted">{posted_line()} | <a href="{POST_URL}">Permalink</a></p></div>\n',
            ' <div class="comments" id="comments"><h2 class="comments-header">Comments</h2>'
            '<div class="comments-content">\n',
        ]
        parts += [self.comment_html(c) for c in comments]
        parts.append(" </div>\n")
        if page_no is not None and n_pages > 1:
            links = []
            if page_no > 1:
                links.append(f'<a rel="prev" href="?page={page_no - 1}#comments">« Previous</a>')
            if page_no < n_pages:
                links.append(f'<a rel="next" href="?page={page_no + 1}#comments">Next »</a>')
            parts.append(f' <div class="comments-nav">{" | ".join(links)}</div>\n')
        parts.append(" </div>\n</div>\n")
        items = "".join(f'<li><a href="{u}">{esc(n)}</a> on <a href="{u.split("#")[0]}">{esc(t)}</a></li>'
                        for n, u, t in self.sidebar_items())
        parts.append(f'<div id="sidebar"><h2>Recent Comments</h2><ul>{items}</ul></div>\n')
        parts.append("</div></body></html>\n")
        return "".join(parts)

    def text(self) -> str:
        lines = [TITLE, ""]
        for kind, x in POST_BLOCKS:
            for p in ([x] if kind == "p" else x):
                lines += [to_text(p), ""]
        lines += [f"{posted_line()} | Permalink", "", "Comments", ""]
        for c in self.visible:
            lines += [self.g.comment_text(c), "", self.footer_text(c), ""]
        lines += ["Recent Comments", ""]
        lines += [f"{n} on {t}" for n, _, t in self.sidebar_items()]
        return "\n".join(lines) + "\n"

    def truth(self) -> dict:
        g = self.g
        edges = []
        for c in self.visible:
            for e in c.edges:
                edges.append(dict(source=c.number, target=g.final_number[e["target"]], form=e["form"],
                                  explicit=e["explicit"], cue=e["cue"], evidence=e["evidence"]))
        deleted = []
        for d, at in sorted(g.deletions.items()):
            c = g.comments[d]
            deleted.append(dict(old_number=g.shown_number(d, c.time), author=c.author,
                                created_at=iso(c.time), deleted_at=iso(at),
                                after_number=g.final_number.get(max(k for k in g.final_number if k < d))))
        return {
            "source": "generated by examples/generate_moa.py (fictional)",
            "seed": g.seed,
            "title": TITLE,
            "host": HOST,
            "url": POST_URL,
            "published_at": iso(POST_TIME),
            "main_author": MAIN,
            "comments": [dict(number=c.number, id=c.xid, author=c.author, created_at=iso(c.time))
                         for c in self.visible],
            "edges": edges,
            "deleted": deleted,
            "distractors": [dict(number=g.final_number[d["idx"]], text=d["text"]) for d in g.distractors],
        }


def dump_json(d: dict) -> str:
    lines = ["{"]
    items = list(d.items())
    for k, (key, val) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        if isinstance(val, list):
            lines.append(f"  {json.dumps(key)}: [")
            for m, it in enumerate(val):
                lines.append("    " + json.dumps(it, ensure_ascii=False) + ("," if m < len(val) - 1 else ""))
            lines.append("  ]" + comma)
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(val, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def form_counts(truth: dict) -> dict[str, int]:
    counts = {f: 0 for f in FORMS}
    for e in truth["edges"]:
        counts[e["form"]] += 1
    return counts


def readme(truth: dict) -> str:
    counts = form_counts(truth)
    authors = {c["author"] for c in truth["comments"]}
    n = len(truth["comments"])
    pages = (n + PAGE_SIZE - 1) // PAGE_SIZE
    forms = ", ".join(f"{k} {v}" for k, v in counts.items())
    return f"""# A fictional Moon of Alabama thread with known reply edges

Everything in this folder is **fictional and generated** by `examples/generate_moa.py` (standard library
only, seed {truth['seed']}). The countries, politicians, quoted "primary sources", commenters and links
(example.org / example.com) are invented. The thread imitates the shape of a real MoA comment thread so that
parsers and the reply resolver can be checked against a known answer.

- `thread.html`: the whole post and all {n} comments on one Typepad-style page.
- `pages/page-1.html` … `page-{pages}.html`: the same thread split into comment pages of {PAGE_SIZE}, with
  `rel="next"` / `rel="prev"` pager links; the numbering continues across pages.
- `thread.txt`: what selecting all of `thread.html` in a browser and copying gives.
- `truth.json`: comments (number, xid, author, time), every reply edge with its form, cue and evidence, the
  three comments the moderator deleted (which makes some copied address numbers stale), and distractors that
  look like cues but are not edges (`@b`, `Thanks b`, e-mail addresses).

{n} comments by {len(authors)} authors; the main character is `{truth['main_author']}`. Edges by form: {forms}.

Conventions a parser meets here (the `cue` field of each edge in `truth.json` names the variant):

- footer `Posted by: NAME | Mon D YYYY HH:MM utc | N` (day not zero-padded; the thread runs from Dec 31 2025
  into Jan 1 2026); NAME is a link in some footers, and a few footers have `&nbsp;` next to the `|`.
- address: a copy of the target's footer without `Posted by:`, as its own paragraph or followed by `<br>`,
  ending in `—`, `–`, `--`, `:` or nothing; sometimes `UTC`, sometimes U+00A0 (literal or `&nbsp;`) around
  `|`, sometimes the whole line is a link to `#c<xid>` or to the permalink. Rowan Ashgrove puts some of his
  address lines in the middle of a long comment. Two address lines on consecutive lines = two targets.
- stale-address: written before the moderator deleted a comment, so N is one too high (name and time are
  right, and a linked address still points at the right xid).
- number: `@N`, `@N:`, `#N`, `NAME @N`, `NAME @N:`, `@NAME N`, and lists such as `NAME @N, NAME @N:`,
  `@N and @N:`, `@N / @N:`, `@NAME and NAME @N:`.
- mention: `@NAME`, `@NAME:`, `@NAME,` or inside a sentence (`I'm with @NAME on this.`); the target is
  that author's latest earlier comment. Names contain spaces, commas, dots, apostrophes and non-ASCII letters.
- quote: a `<blockquote>` with a verbatim passage (a sentence or a clause of 8+ words, sometimes in `…` or
  `<i>`), then a paragraph `Posted by: NAME | … | N` (not a footer!), then the reply.
- implicit: no cue at all. Not edges: `@b` (addresses the host's post), `Thanks b`, e-mail addresses, the
  sidebar's `NAME on TITLE` lines.
- word echoes, which are not cues: about half of the replies (with or without a cue) pick up a name or a
  noun of the comment they answer ("You mention Korvask.", "Re escalation: look at the dates."), the rarer
  in the thread the likelier; about one comment in seven that answers nobody picks one up from a recent
  comment ("Sorvik keeps coming up in this thread."). They come from a random stream of their own, so the
  thread's structure and edges do not depend on them.

Regenerate (byte-identical) with:

    python examples/generate_moa.py            # or: --out DIR

`tests/test_example_generator.py` checks that the committed files match the generator.
"""


# --------------------------------------------------------------------------------------------
# Self-check and main
# --------------------------------------------------------------------------------------------

def validate(g: Gen, truth: dict, text: str):
    comments = truth["comments"]
    by_num = {c["number"]: c for c in comments}
    assert len(comments) >= 170, len(comments)
    assert len({c["author"] for c in comments}) >= 22
    counts = form_counts(truth)
    for f in FORMS:
        assert counts[f] >= 3, (f, counts)
    rowan = sum(1 for c in comments if c["author"] == MAIN)
    assert 12 <= rowan <= 15, rowan
    srcs = {}
    for e in truth["edges"]:
        assert e["target"] < e["source"], e
        srcs[e["source"]] = srcs.get(e["source"], 0) + 1
    assert sum(1 for v in srcs.values() if v >= 2) >= 3
    bodies = [g.comment_text(c) for c in g.comments.values() if c.kind != "troll"]
    assert len(set(bodies)) == len(bodies)
    texts = {c.number: g.comment_text(c) for c in g.comments.values() if c.kind != "troll"}
    for e in truth["edges"]:
        src, tgt = texts[e["source"]], texts[e["target"]]
        if e["form"] == "quote":
            assert e["evidence"] in src and e["evidence"] in tgt
            assert sum(t.count(e["evidence"]) for n, t in texts.items() if n < e["source"]) == 1
        elif e["form"] in ("address", "stale-address"):
            name, date, num = (x.strip(" " + NBSP) for x in e["evidence"].split("|"))
            t = by_num[e["target"]]
            assert name == t["author"] and e["evidence"] in src
            assert (int(num) == e["target"]) == (e["form"] == "address")
        elif e["form"] == "mention":
            name = e["evidence"][1:]
            latest = max(c["number"] for c in comments if c["author"] == name and c["number"] < e["source"])
            assert latest == e["target"] and e["evidence"] in src
        elif e["form"] == "number":
            assert re.search(r"(?<![\w@])[@#]?" + r"\d+", e["evidence"]) and e["evidence"] in src
            assert e["evidence"].endswith(str(e["target"])) or e["evidence"].endswith(f"@{e['target']}")
    assert "Posted by b on" not in "".join(bodies)
    pos = 0
    for c in comments:       # every footer, in order, in the copied text
        when = datetime.strptime(c["created_at"], "%Y-%m-%dT%H:%M:%SZ")
        line = f"Posted by: {c['author']} | {stamp(when)} | {c['number']}"
        pos = text.replace(NBSP, " ").index("\n" + line + "\n", pos) + 1


def generate(out: Path, seed: int = SEED) -> dict:
    g = Gen(seed)
    g.post_text = post_text()
    g.build()
    rng = g.rng
    visible = [c for c in g.comments.values() if c.kind != "troll"]
    for c in rng.sample(visible, 6):
        c.footer_nbsp = True
    r = Renderer(g)
    truth = r.truth()
    text = r.text()
    validate(g, truth, text)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(exist_ok=True)
    for old in (out / "pages").glob("page-*.html"):
        old.unlink()

    def write(name: str, s: str):
        with open(out / name, "w", encoding="utf-8", newline="\n") as f:
            f.write(s)

    write("thread.html", r.page(r.visible, None, 1))
    n_pages = (len(r.visible) + PAGE_SIZE - 1) // PAGE_SIZE
    for p in range(n_pages):
        write(f"pages/page-{p + 1}.html", r.page(r.visible[p * PAGE_SIZE:(p + 1) * PAGE_SIZE], p + 1, n_pages))
    write("thread.txt", text)
    write("truth.json", dump_json(truth))
    write("README.md", readme(truth))
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "moa",
                    help="output folder (default: examples/moa next to this script)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = ap.parse_args(argv)
    truth = generate(args.out, args.seed)
    counts = form_counts(truth)
    print(f"{len(truth['comments'])} comments, {len({c['author'] for c in truth['comments']})} authors, "
          f"{len(truth['edges'])} edges: " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
