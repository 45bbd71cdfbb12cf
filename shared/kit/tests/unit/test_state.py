from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from together_kit.http.state import from_state

pytestmark = pytest.mark.unit


class Clock:
    def now(self) -> str:
        return "noon"


ClockDep = Annotated[Clock, Depends(from_state("clock", Clock))]


async def test_a_dependency_reads_its_object_off_the_app_state() -> None:
    app = FastAPI()
    app.state.clock = Clock()

    @app.get("/now")
    async def now(clock: ClockDep) -> str:
        return clock.now()

    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/now")).json() == "noon"
    assert from_state("clock", Clock).__name__ == "get_clock"
