"""Erasure reaches the events a document still holds (docs/adr/0002-outbox.md).

An erasure that rewrites a document, rather than deleting it (a story blanked, an organiser's
details taken off an event they listed), would leave the events that document has not published
yet as they were written, personal data and all, and the relay would publish them after the
erasure. `AggregateCollection.update(..., redacting=True)` takes the values the change removes
from the document out of those events too:

- a field that held an erased value takes its default, or `None` where it may be empty;
- a list loses the erased items;
- an event that cannot be told without the erased value (a field that must hold one: the text of a
  story, the id of an erased volunteer) is dropped; the erasure's own events follow it.

Values are compared whole (strings only), with the event's model from the contracts' registry
telling which fields may be empty. Events a process already holds in memory to publish (the
writer's eager publish, `together_kit.messaging.eager`, or a relay that claimed the document
first) are published as they were, as if the erasure had come a little later: normally
milliseconds, longer while the broker holds publishes back (docs/adr/0002-outbox.md).
"""

import types
import typing
from collections.abc import Iterator, Mapping, Sequence, Set
from typing import Any

import structlog
from pydantic import BaseModel, ValidationError
from together_contracts.registry import EVENT_MODELS

Document = dict[str, Any]

log = structlog.get_logger("together.outbox")

_GONE = object()
_OUTBOX_FIELDS = frozenset(
    {"outbox", "outbox_pending", "outbox_lease_until", "outbox_lease_owner", "version"}
)


def erased_values(before: Mapping[str, Any], after: Mapping[str, Any]) -> frozenset[str]:
    """The strings `before` holds anywhere (values, and keys below the top) that `after` holds
    nowhere (outbox fields aside)."""
    return frozenset(_strings(before)) - frozenset(_strings(after))


def redacted(pending: Sequence[Document], erased: Set[str]) -> list[Document]:
    """`pending` (envelopes as stored) with the `erased` values taken out, in order; events that
    cannot be told without them are left out."""
    if not erased:
        return list(pending)
    kept = []
    for envelope in pending:
        event = _redacted_event(envelope, erased)
        if event is None:
            log.info("pending event dropped by an erasure", type=envelope.get("type"))
        else:
            kept.append(event)
    return kept


def _redacted_event(envelope: Document, erased: Set[str]) -> Document | None:
    model = EVENT_MODELS.get((envelope.get("type", ""), envelope.get("version", 0)))
    data = envelope.get("data", {})
    if model is None:
        return {**envelope, "data": _blanked(data, erased)}
    data_model = _model_in(model.model_fields["data"].annotation)
    scrubbed = _redacted_model(data_model, data, erased) if data_model else _GONE
    if scrubbed is _GONE:
        return None
    try:
        return model.model_validate({**envelope, "data": scrubbed}).model_dump(mode="json")
    except ValidationError:
        return None


def _redacted_model(model: type[BaseModel], data: Mapping[str, Any], erased: Set[str]) -> Any:
    """`data` of `model` without the erased values, or `_GONE` when a field that must hold one
    held an erased value."""
    out: Document = {}
    for name, value in data.items():
        field = model.model_fields.get(name)
        annotation = field.annotation if field is not None else None
        kept = _redacted_value(annotation, value, erased)
        if kept is not _GONE:
            out[name] = kept
        elif field is None or not field.is_required():
            continue  # its default
        elif _may_be_none(annotation):
            out[name] = None
        else:
            return _GONE
    return out


def _redacted_value(annotation: Any, value: Any, erased: Set[str]) -> Any:
    if isinstance(value, str):
        return _GONE if value in erased else value
    if isinstance(value, Mapping):
        model = _model_in(annotation)
        return _redacted_model(model, value, erased) if model else _blanked(value, erased)
    if isinstance(value, list):
        item = _item_annotation(annotation)
        kept = (_redacted_value(item, element, erased) for element in value)
        return [element for element in kept if element is not _GONE]
    return value


def _blanked(value: Any, erased: Set[str]) -> Any:
    """Without a model to go by: erased strings become empty ones."""
    if isinstance(value, str):
        return "" if value in erased else value
    if isinstance(value, Mapping):
        return {key: _blanked(inner, erased) for key, inner in value.items()}
    if isinstance(value, list):
        return [_blanked(inner, erased) for inner in value]
    return value


def _options(annotation: Any) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def _item_annotation(annotation: Any) -> Any:
    for option in _options(annotation):
        if typing.get_origin(option) in (list, tuple, set, frozenset):
            arguments = typing.get_args(option)
            return arguments[0] if arguments else None
    return None


def _may_be_none(annotation: Any) -> bool:
    return type(None) in _options(annotation)


def _strings(value: Any, *, top: bool = True) -> Iterator[str]:
    if isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if top and key in _OUTBOX_FIELDS:
                continue
            if not top and isinstance(key, str) and key:
                yield key  # e.g. a person's id keying what is known of them
            yield from _strings(inner, top=False)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings(inner, top=False)
