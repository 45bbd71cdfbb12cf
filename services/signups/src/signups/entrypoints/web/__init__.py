"""Public web pages of signups (server-rendered, English and Welsh, working without JavaScript).

Each page module has its own router; the pages' `Site` (templates and the forms' rate limit) is
`app.state.site`, set by the composition root.
"""

from fastapi import APIRouter

from signups.entrypoints.web import (
    assisted,
    forgetting,
    home,
    joining,
    letter,
    links,
    mine,
    pledges,
    progress,
)

router = APIRouter(include_in_schema=False)
for pages in (home, joining, links, forgetting, progress, pledges, letter, mine, assisted):
    router.include_router(pages.router)
