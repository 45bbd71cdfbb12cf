"""Typed FastAPI dependencies of notifications: everything comes from the app built by bootstrap."""

from typing import Annotated

from fastapi import Depends
from together_kit.http.state import from_state
from together_kit.web.rendering import WebPages

from notifications.handlers import Context
from notifications.settings import Settings

ContextDep = Annotated[Context, Depends(from_state("context", Context))]
SettingsDep = Annotated[Settings, Depends(from_state("settings", Settings))]
PagesDep = Annotated[WebPages, Depends(from_state("pages", WebPages))]
