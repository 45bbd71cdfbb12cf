from datetime import UTC, datetime, timedelta, timezone

from together_kit.stored import (
    NEVER,
    TimeFields,
    epoch,
    epoch_or_never,
    moment,
    moment_or_none,
    same_time,
)

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_a_time_round_trips_through_epoch_seconds() -> None:
    assert isinstance(epoch(NOON), float)
    assert moment(epoch(NOON)) == NOON
    assert moment(epoch(NOON)).tzinfo is UTC


def test_a_datetime_stored_before_is_read_as_it_is_and_naive_ones_as_utc() -> None:
    paris = NOON.astimezone(timezone(timedelta(hours=1)))
    assert moment(paris) == NOON
    assert moment(NOON.replace(tzinfo=None)) == NOON


def test_an_unset_time_is_a_number_a_filter_can_match_and_reads_back_as_none() -> None:
    assert epoch_or_never(None) == NEVER
    assert moment_or_none(NEVER) is None
    assert moment_or_none(None) is None
    assert moment_or_none(epoch_or_never(NOON)) == NOON


def test_time_fields_convert_only_the_named_fields_both_ways() -> None:
    times = TimeFields("sent_at", "failed_at")
    document = {"sent_at": NOON, "failed_at": None, "created": NOON, "n": 1}
    stored = times.dump(document)
    assert stored == {"sent_at": epoch(NOON), "failed_at": None, "created": NOON, "n": 1}
    assert times.load(stored) == document
    assert times.load({"sent_at": NEVER}) == {"sent_at": NEVER}


def test_a_time_read_back_rounded_as_the_embedded_store_keeps_it_is_the_same_time() -> None:
    written = epoch(NOON.replace(microsecond=123457))
    kept = float(f"{written:.15g}")

    assert kept != written
    assert same_time(kept, written)
    assert same_time(int(written), epoch(NOON))
    assert not same_time(written + 0.002, written)
    assert not same_time(NEVER, written)
    assert not same_time(None, written)
    assert not same_time(True, 1.0)
