"""The composition root of signups: the only place its clients and adapters are built."""

from fastapi import FastAPI
from together_contracts import VolunteerRegistered
from together_kit.runtime import ServiceRuntime

from signups.adapters.people import MongoPeopleRepository
from signups.entrypoints import api
from signups.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    people = MongoPeopleRepository(runtime.aggregate("people"))
    runtime.startup_hooks.append(people.ensure_indexes)
    runtime.tells(VolunteerRegistered)
    app = runtime.app(title="together signups", routers=[api.router])
    app.state.runtime = runtime
    app.state.people = people
    return app
