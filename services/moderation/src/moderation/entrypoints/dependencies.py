"""Typed FastAPI dependencies of moderation: everything comes from the app built by bootstrap."""

from typing import Annotated

from fastapi import Depends, Request
from together_kit.idempotency import IdempotencyStore

from moderation.handlers import Context
from moderation.settings import Settings


def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_idempotency(request: Request) -> IdempotencyStore:
    store: IdempotencyStore = request.app.state.idempotency
    return store


ContextDep = Annotated[Context, Depends(get_context)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IdempotencyDep = Annotated[IdempotencyStore, Depends(get_idempotency)]
