"""Typed FastAPI dependencies of moderation: everything comes from the app built by bootstrap."""

from typing import Annotated

from fastapi import Depends
from together_kit.idempotency import IdempotencyStore
from together_kit.state import from_state

from moderation.handlers import Context
from moderation.settings import Settings

ContextDep = Annotated[Context, Depends(from_state("context", Context))]
SettingsDep = Annotated[Settings, Depends(from_state("settings", Settings))]
IdempotencyDep = Annotated[IdempotencyStore, Depends(from_state("idempotency", IdempotencyStore))]
