"""Typed FastAPI dependencies of matching: everything comes from the app built by bootstrap."""

from typing import Annotated

from fastapi import Depends, Request
from together_kit.idempotency import IdempotencyStore

from matching.handlers import Context


def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


ContextDep = Annotated[Context, Depends(get_context)]


def get_idempotency(request: Request) -> IdempotencyStore:
    store: IdempotencyStore = request.app.state.idempotency
    return store


IdempotencyDep = Annotated[IdempotencyStore, Depends(get_idempotency)]
