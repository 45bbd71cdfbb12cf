"""The composition root of matching: the only place its clients and adapters are built."""

from fastapi import FastAPI
from together_kit.runtime import ServiceRuntime

from matching.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    app = runtime.app(title="together matching")
    app.state.runtime = runtime
    return app
