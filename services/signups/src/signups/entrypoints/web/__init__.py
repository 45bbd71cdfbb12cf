"""Public web pages of signups (server-rendered, English and Welsh)."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from together_kit.web import WebPages


def web_router(pages: WebPages, *, join_limit: Callable[..., Awaitable[None]]) -> APIRouter:
    return APIRouter(include_in_schema=False)
