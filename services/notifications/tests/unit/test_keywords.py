"""Reading what an inbound text asks: the keywords in English and Welsh, with the case, spaces
and punctuation people type around them forgiven."""

import pytest
from notifications.domain.keywords import (
    MAX_BODY,
    Answer,
    Choice,
    Help,
    OptIn,
    OptOut,
    Submission,
    parse,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", "STOP"),
        ("stop", "STOP"),
        ("  Stop. ", "STOP"),
        ("'stop'", "STOP"),
        ("STOPALL", "STOPALL"),
        ("Unsubscribe!", "UNSUBSCRIBE"),
        ("cancel", "CANCEL"),
        ("END", "END"),
        ("quit", "QUIT"),
        ("STOP sending me these please", "STOP"),
    ],
)
def test_the_uk_opt_out_words_stop_texts(body: str, keyword: str) -> None:
    assert parse(body) == OptOut(keyword)


@pytest.mark.parametrize("body", ["End of lockdown was hard", "Cancel my place at the picnic"])
def test_the_softer_opt_out_words_count_only_alone(body: str) -> None:
    assert parse(body) == Help()


@pytest.mark.parametrize(
    ("body", "asked"),
    [
        ("START", OptIn("START", "en")),
        ("unstop", OptIn("UNSTOP", "en")),
        ("Dechrau", OptIn("DECHRAU", "cy")),
        ("help", Help()),
        ("INFO?", Help()),
        ("cymorth", Help("cy")),
    ],
)
def test_start_and_help(body: str, asked: object) -> None:
    assert parse(body) == asked


@pytest.mark.parametrize(
    ("body", "asked"),
    [
        ("YES", Answer("accept", None, "en")),
        ("yes k7mx", Answer("accept", "K7MX", "en")),
        (" Yes, K7MX! ", Answer("accept", "K7MX", "en")),
        ("Y", Answer("accept", None, "en")),
        ("Yes please", Answer("accept", None, "en")),
        ("no K7MX thanks", Answer("decline", "K7MX", "en")),
        ("No thank you", Answer("decline", None, "en")),
        ("Ie", Answer("accept", None, "cy")),
        ("IE k7mx", Answer("accept", "K7MX", "cy")),
        ("Na, diolch", Answer("decline", None, "cy")),
        ("NA K7MX", Answer("decline", "K7MX", "cy")),
    ],
)
def test_answers_to_an_invitation(body: str, asked: Answer) -> None:
    assert parse(body) == asked


@pytest.mark.parametrize(
    "body", ["No one came to help us in March", "Yes we did it together", "Y'know what"]
)
def test_a_sentence_that_begins_yes_or_no_is_not_an_answer(body: str) -> None:
    assert parse(body) == Help()


@pytest.mark.parametrize(
    ("body", "asked"),
    [
        (
            "STORY My neighbour left soup on my step!",
            Submission("story", "My neighbour left soup on my step!", "en"),
        ),
        ("story: We sang in the street.", Submission("story", "We sang in the street.", "en")),
        ("Stori - Canu yn y stryd", Submission("story", "Canu yn y stryd", "cy")),
        ("THANKS to the bin crews", Submission("thanks", "to the bin crews", "en")),
        ("Diolch i'r nyrsys", Submission("thanks", "i'r nyrsys", "cy")),
        ("STORY", Submission("story", "", "en")),
        ("thanks!", Submission("thanks", "", "en")),
        ("STORY line one\nline two", Submission("story", "line one\nline two", "en")),
    ],
)
def test_stories_and_thanks_keep_what_follows_the_keyword(body: str, asked: Submission) -> None:
    assert parse(body) == asked


def test_a_long_story_is_cut_to_what_the_event_carries() -> None:
    asked = parse("STORY " + "a" * 5000)
    assert isinstance(asked, Submission)
    assert len(asked.text) == MAX_BODY


@pytest.mark.parametrize(
    ("body", "asked"),
    [
        ("EMAIL", Choice(("email",), "EMAIL", "en")),
        ("e-mail.", Choice(("email",), "EMAIL", "en")),
        ("Email please", Choice(("email",), "EMAIL", "en")),
        ("text", Choice(("sms",), "TEXT", "en")),
        ("Texts!", Choice(("sms",), "TEXTS", "en")),
        ("both thanks", Choice(("email", "sms"), "BOTH", "en")),
        ("E-bost", Choice(("email",), "EBOST", "cy")),
        ("testun", Choice(("sms",), "TESTUN", "cy")),
        ("Ddau", Choice(("email", "sms"), "DDAU", "cy")),
    ],
)
def test_email_text_or_both_choose_how_we_reach_them(body: str, asked: Choice) -> None:
    assert parse(body) == asked


@pytest.mark.parametrize("body", ["Text me when it starts", "Both of us can come", "email me"])
def test_a_sentence_that_begins_with_a_channel_is_no_choice(body: str) -> None:
    assert parse(body) == Help()


@pytest.mark.parametrize("body", ["", "   ", "!!!", "Hello", "storytelling night?", "🙂"])
def test_anything_else_is_answered_with_help(body: str) -> None:
    assert parse(body) == Help()
