"""Typed FastAPI dependencies of matching: everything comes from the app built by bootstrap."""

from typing import Annotated

from fastapi import Depends
from together_kit.idempotency import IdempotencyStore
from together_kit.state import from_state

from matching.handlers import Context

ContextDep = Annotated[Context, Depends(from_state("context", Context))]
IdempotencyDep = Annotated[IdempotencyStore, Depends(from_state("idempotency", IdempotencyStore))]
