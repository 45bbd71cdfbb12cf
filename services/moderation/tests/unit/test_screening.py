"""Automatic screening, table-driven: personal data with redactions, links, abuse, duplicates,
safeguarding. It flags; it never decides."""

import pytest
from moderation.domain import duplicates, personal_data
from moderation.domain.personal_data import Kind
from moderation.domain.screening import Flag, abusive_words, safeguarding_phrases, screen

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Write to ann.jones@example.org please", Kind.EMAIL, "ann.jones@example.org"),
        ("or A.B+tag@mail.co.uk.", Kind.EMAIL, "A.B+tag@mail.co.uk"),
        ("call 07700 900982 tonight", Kind.PHONE, "07700 900982"),
        ("call 07700900982", Kind.PHONE, "07700900982"),
        ("ring +44 7700 900982", Kind.PHONE, "+44 7700 900982"),
        ("ring +44 (0)29 2000 0000.", Kind.PHONE, "+44 (0)29 2000 0000"),
        ("office (029) 2000 0000", Kind.PHONE, "(029) 2000 0000"),
        ("on 0161-496-0000", Kind.PHONE, "0161-496-0000"),
        ("near CF10 1AA", Kind.POSTCODE, "CF10 1AA"),
        ("near sw1a1aa", Kind.POSTCODE, "sw1a1aa"),
        ("in M1 1AE,", Kind.POSTCODE, "M1 1AE"),
        ("at 12 Acacia Avenue,", Kind.ADDRESS, "12 Acacia Avenue"),
        ("flat 3b Queen Street", Kind.ADDRESS, "3b Queen Street"),
        ("in 5 Heol y Frenhines", Kind.ADDRESS, "5 Heol y Frenhines"),
        ("see https://example.org/a?b=1.", Kind.LINK, "https://example.org/a?b=1"),
        ("see www.example.com", Kind.LINK, "www.example.com"),
        ("see together.wales now", Kind.LINK, "together.wales"),
        ('<a href="javascript:alert(1)">x</a>', Kind.LINK, "javascript:alert(1)"),
    ],
)
def test_personal_data_and_links_are_found(text: str, kind: Kind, found: str) -> None:
    spans = personal_data.find(text)

    assert [(span.kind, span.text) for span in spans] == [(kind, found)]
    assert text[spans[0].start : spans[0].end] == found


@pytest.mark.parametrize(
    "text",
    [
        "We walked 3 miles down the lane in 2020 and met 40 people.",
        "Lockdown started on 23 March and we clapped at 8 o'clock.",
        "I was 12 when my Nan moved in with us.",
        "Scunthorpe was quiet; the A470 was empty.",
        "We raised £1,250 for the food bank in 3 weeks.",
    ],
)
def test_ordinary_sentences_hold_no_personal_data(text: str) -> None:
    assert personal_data.find(text) == []


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        (
            "Email me at ann@example.org or call 07700 900982.",
            "Email me at [email address removed] or call [phone number removed].",
        ),
        (
            "I live at 12 Acacia Avenue, Cardiff CF10 1AA. See www.example.com!",
            "I live at [address removed], Cardiff [postcode removed]. See [link removed]!",
        ),
    ],
)
def test_redactions_are_suggested(text: str, suggested: str) -> None:
    result = screen(title="A title", text=text)

    assert result.suggested_text == suggested
    assert result.suggested_title is None
    assert Flag.PERSONAL_DATA in result.flags


def test_a_title_gets_its_own_suggestion() -> None:
    result = screen(title="Call 07700 900982", text="Nothing here.")

    assert result.suggested_title == "Call [phone number removed]"
    assert result.suggested_text is None


def test_an_email_domain_is_not_also_a_link() -> None:
    result = screen(title="t", text="ann@example.org")

    assert result.flags == (Flag.PERSONAL_DATA,)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("You absolute wanker.", ["wanker"]),
        ("FUCK this", ["fuck"]),
        ("Go back to your own country, they said", ["go back to your own country"]),
        ("what a tw4t", ["twat"]),
        ("Scunthorpe and Penistone are lovely", []),
        ("A cocktail in the cockpit", []),
    ],
)
def test_abusive_language_from_the_word_list(text: str, words: list[str]) -> None:
    assert abusive_words(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "Some days I want to end my life.",
        "I started to self-harm in the second lockdown",
        "I self harm when it gets bad",
        "He hits me when he drinks",
        "I am scared of my partner.",
        "I can't go on like this",
        "I CANNOT GO ON",
        "There was domestic violence in our house",
        "I have been feeling suicidal",
        "Sometimes I wish I was dead",
    ],
)
def test_safeguarding_phrases_are_flagged(text: str) -> None:
    result = screen(title="My lockdown", text=text)

    assert safeguarding_phrases(text)
    assert result.safeguarding
    assert Flag.SAFEGUARDING in result.flags


@pytest.mark.parametrize(
    "text",
    [
        "My grandmother died in April and we could not go to the funeral.",
        "We were all so tired, but the street kept going.",
        "The hits of the summer played on the radio.",
        "My children's school closed; we baked every day.",
    ],
)
def test_grief_and_ordinary_words_are_not_safeguarding(text: str) -> None:
    assert not screen(title="t", text=text).safeguarding


STORY = (
    "Every Thursday we sang from our doorsteps on the terrace. By June we knew every "
    "neighbour's name, and by Christmas we had a street choir of thirty people."
)


@pytest.mark.parametrize(
    ("other", "duplicate"),
    [
        (STORY, True),
        (STORY.upper().replace(",", ""), True),
        (STORY.replace("thirty", "forty"), True),
        ("We planted a garden on the old car park and grew beans for the food bank.", False),
        ("", False),
    ],
)
def test_near_duplicates_of_earlier_items(other: str, duplicate: bool) -> None:
    earlier = [("earlier", duplicates.sketch(STORY))]

    result = screen(title="t", text=other, earlier=earlier)

    assert (result.duplicate_of == "earlier") is duplicate
    assert (Flag.NEAR_DUPLICATE in result.flags) is duplicate


def test_similarity_estimates_jaccard() -> None:
    same = duplicates.sketch(STORY)

    assert duplicates.similarity(same, same) == 1.0
    assert duplicates.similarity(same, duplicates.sketch("something else entirely")) == 0.0
    assert duplicates.similarity([], same) == 0.0
    assert len(duplicates.sketch(STORY * 5)) <= duplicates.SKETCH_SIZE


def test_short_texts_match_only_exact_copies() -> None:
    assert duplicates.shingles("Hello there!") == {"hello there"}
    assert duplicates.similarity(duplicates.sketch("Hi"), duplicates.sketch("hi.")) == 1.0


def test_a_clean_story_has_no_flags() -> None:
    result = screen(title="The street choir", text=STORY)

    assert result.flags == ()
    assert result.findings == ()
    assert result.sketch
