"""Typed FastAPI dependencies of notifications: everything comes from the app built by bootstrap."""

from typing import Annotated

from fastapi import Depends, Request
from together_kit.web import WebPages

from notifications.handlers import Context
from notifications.settings import Settings


def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_pages(request: Request) -> WebPages:
    pages: WebPages = request.app.state.pages
    return pages


ContextDep = Annotated[Context, Depends(get_context)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PagesDep = Annotated[WebPages, Depends(get_pages)]
