"""The composition root of notifications: the only place its clients and adapters are built."""

from fastapi import FastAPI
from together_contracts import PersonErased
from together_kit.erasure import ErasureAnswers
from together_kit.runtime import ServiceRuntime

from notifications.adapters.contacts import MongoContactRepository
from notifications.entrypoints import consumers
from notifications.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    contacts = MongoContactRepository(runtime.db["contacts"])
    answers = ErasureAnswers(runtime.aggregate("erasures"), service=settings.service_name)
    runtime.tells(PersonErased)
    consumers.register(runtime, contacts=contacts, answers=answers)
    app = runtime.app(title="together notifications")
    app.state.runtime = runtime
    return app
