"""Running one service process: logging configured once, then uvicorn with the service's app."""

import gc
import os
import signal
from collections.abc import Callable
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

from together_kit.dev.stack import die_with_parent, watch_parent
from together_kit.logs import configure_logging
from together_kit.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)

HTTP_GRACEFUL_SECONDS = 10
"""On SIGTERM uvicorn stops listening, lets requests in progress finish for up to this long, then
runs the lifespan's exit: ServiceRuntime drains the consumers and the outbox relay (runtime.py)."""
KEEP_ALIVE_SECONDS = 75
"""How long an idle kept-alive connection stays open: longer than the reverse proxy in front
keeps its idle upstream connections (ingress-nginx 60 s), so the proxy always closes first. With
uvicorn's own 5 s, a request sent on a connection the service has just closed is lost (a POST is
not retried): under the bench's overload (B7) 2% of the requests were, as its client too reuses
connections idle for longer."""


def serve(settings: S, create_app: Callable[[S], FastAPI]) -> None:
    configure_logging(
        service=settings.service_name, level=settings.log_level, fmt=settings.log_format
    )
    end_with_supervisor()
    app = create_app(settings)
    settle_heap()
    uvicorn.run(app, **uvicorn_options(settings))


SUPERVISOR_PID = "TOGETHER_SUPERVISOR_PID"
"""Set by `make run` (scripts/run.py) for its children: the process whose end ends this one."""


def end_with_supervisor() -> None:
    """Under `make run` where Linux's parent-death signal is not available (`die_with_parent`),
    stop as on SIGTERM once the supervisor is gone, however it ended."""
    supervisor = os.environ.get(SUPERVISOR_PID, "")
    if supervisor.isdigit() and die_with_parent() is None:
        watch_parent(int(supervisor), on_gone=lambda: os.kill(os.getpid(), signal.SIGTERM))


def uvicorn_options(settings: ServiceSettings) -> dict[str, Any]:
    """How uvicorn serves a service. The client's address is taken from `X-Forwarded-For` only
    on connections from `FORWARDED_ALLOW_IPS` (none by default): see together_kit.http.ratelimit."""
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": "warning",
        "access_log": False,
        "timeout_graceful_shutdown": HTTP_GRACEFUL_SECONDS,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.trusted_proxies,
    }


YOUNG_COLLECTION_EVERY = 10_000
"""Objects the garbage collector tracks, allocated and not yet freed, between two collections of
its youngest generation (Python's default is 700). Objects without cycles are freed as they go
either way; what this bounds is the cyclic garbage waiting (a few MB). At 700, signups collected
1,306 times in a B1 surge (each older generation in turn as often as the default ratios make it),
0.49 s of the process's time; at 10,000, 19 times, 0.08 s."""


def settle_heap() -> None:
    """Move everything built so far (modules, the app, its models: most of the process's objects,
    alive until it exits) out of the garbage collector's sight, so that a full collection under
    load no longer walks them all again (docs/adr/0008-bounded-candidate-read.md), and collect the
    young generation less often (`YOUNG_COLLECTION_EVERY`)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
