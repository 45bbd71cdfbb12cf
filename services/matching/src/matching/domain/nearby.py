"""Reading the volunteers who may reach an event a little at a time, nearest blocks first.

Every located volunteer is filed under one `reach` key (`reach_key`):

    {band}:{block}:{waited}:{person}

- band:   the resolution of their radius band (`geo.BANDS`: 7 up to 15 km, 5 up to 60, 4 up to
          100, 3 beyond)
- block:  the H3 cell, at `BLOCKS[band]`, their location lies in (about 17, 45, 120 and 320 km
          across)
- waited: when they were last proposed an event, "0" if never, so the longest waiting sort first
- person: their id, so every key is unique and a page can resume after the last key it read

One indexed range on this key reads a block's volunteers of one band, longest waiting first, and
stops after a page (a single-field index both stores serve; the embedded one ignores compound
indexes and never indexes `$in`). `blocks_reaching` lists the blocks whose band's largest radius
reaches an event, each with the nearest any point in it can be, so the caller reads the nearest
blocks first and stops once it has enough candidates (ADR 0008): what matching reads grows with
the places to fill, not with the number of volunteers.
"""

import functools
import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import h3

from matching.domain.geo import BANDS, Point, band_of, distance_km, rings_for
from matching.domain.volunteers import Volunteer

BLOCKS = {7: 5, 5: 4, 4: 3, 3: 2}
"""Band (its resolution) -> the resolution of the blocks its volunteers are filed under."""
REACH_SCHEME = 2
"""The version of the bands and blocks above: 2 since radii over 100 km have a band of their own
(ADR 0008). Profiles filed under an older scheme are filed again once, at start-up."""
NEVER = "0"
"""`waited` for someone never proposed an event: before every timestamp."""
_BOUNDARY_MARGIN = 1.02
"""H3 edges bulge slightly beyond the straight line between their vertices."""


@dataclass(frozen=True)
class Block:
    band: int
    cell: str
    nearest_km: float
    """No point of the block is nearer the event than this."""

    @property
    def first_key(self) -> str:
        """Every `reach` key of this block and band sorts after this one..."""
        return f"{self.band}:{self.cell}:"

    @property
    def end_key(self) -> str:
        """...and before this one (";" follows ":" in ASCII)."""
        return f"{self.band}:{self.cell};"


def reach_key(
    person_id: UUID, location: Point | None, radius_km: float, last_proposed_at: datetime | None
) -> str | None:
    """The volunteer's `reach` key; None for someone not located (never a candidate)."""
    if location is None:
        return None
    band = band_of(radius_km)
    block = h3.latlng_to_cell(location.latitude, location.longitude, BLOCKS[band])
    waited = NEVER if last_proposed_at is None else _sortable(last_proposed_at)
    return f"{band}:{block}:{waited}:{person_id}"


def reach_key_of(volunteer: Volunteer) -> str | None:
    """The `reach` key a profile is stored with."""
    return reach_key(
        volunteer.person_id,
        volunteer.location,
        volunteer.travel_radius_km,
        volunteer.last_proposed_at,
    )


def _sortable(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")


def blocks_reaching(point: Point) -> list[Block]:
    """Every block holding someone whose band's largest radius could reach `point`, nearest
    first (then the shorter band): a superset of the volunteers who reach it."""
    found = []
    for limit, band in BANDS:
        resolution = BLOCKS[band]
        centre = h3.latlng_to_cell(point.latitude, point.longitude, resolution)
        for cell in h3.grid_disk(centre, rings_for(limit, resolution)):
            nearest = _nearest_km(point, cell)
            if nearest <= limit:
                found.append(Block(band, str(cell), nearest))
    found.sort(key=lambda block: (block.nearest_km, -block.band, block.cell))
    return found


def _nearest_km(point: Point, cell: str) -> float:
    """A lower bound of the distance from `point` to anywhere in `cell`: to its centre, less the
    distance from its centre to its farthest vertex."""
    centre, reach = _extent(cell)
    return max(0.0, distance_km(point, centre) - reach)


@functools.lru_cache(maxsize=8192)
def _extent(cell: str) -> tuple[Point, float]:
    """A block's centre and the distance from it to its farthest vertex (with the margin)."""
    centre = Point(*h3.cell_to_latlng(cell))
    reach = max(distance_km(centre, Point(*vertex)) for vertex in h3.cell_to_boundary(cell))
    return centre, reach * _BOUNDARY_MARGIN


FIRST_WAVE_BLOCKS = 4
"""Blocks read at once by the first wave of a search (and by each wave after one that found a
block with more to read)."""
MAX_WAVE_BLOCKS = 32
"""While every block comes back short, each wave reads twice as many blocks, up to this."""
MIN_PAGE = 8
"""The least a wave asks of each block."""
FIRST_SHARE_KEPT = 0.5
"""The share of the profiles read that the caller is taken to keep before any page is read."""
READ_MARGIN = 1.5
"""Pages read this many times what the share kept predicts is needed: a profile more in a page
costs the store far less than another wave (a round trip costs about as much as a dozen), and a
wave that falls just short costs a whole wave."""


@dataclass(frozen=True)
class Read:
    """One page to read: the block's volunteers of its band whose `reach` key sorts after `after`,
    in key order, at most `limit` of them."""

    block: Block
    after: str
    limit: int


class ReadingPlan:
    """The order the candidate search reads in, nearest blocks first (ADR 0008): the store runs
    the reads, the plan decides what to read next from what they returned.

    Each wave reads a page from each of `FIRST_WAVE_BLOCKS` blocks at once; a block whose page
    came back full may hold more, and is read again before farther blocks. While every block of a
    wave comes back short (sparse country) the next wave reads twice as many blocks. A wave's
    pages share what is still wanted, read at the rate the caller has kept what was read so far
    (`FIRST_SHARE_KEPT` before anything is read), with a margin (`READ_MARGIN`): what is read
    aims a little past `enough`, in as few waves as the share kept allows."""

    def __init__(self, blocks: Iterable[Block], *, enough: int) -> None:
        self.enough = enough
        self._unread = deque((block, block.first_key) for block in blocks)
        self._unfinished: deque[tuple[Block, str]] = deque()
        self._width = FIRST_WAVE_BLOCKS
        self._returned = 0
        self._started = False

    def next_wave(self, found: int) -> list[Read]:
        """The pages to read at once, given how many candidates were kept so far; none once
        `enough` are found or every block is read."""
        if self._started:
            more = bool(self._unfinished)
            self._width = FIRST_WAVE_BLOCKS if more else min(self._width * 2, MAX_WAVE_BLOCKS)
        if found >= self.enough or not (self._unread or self._unfinished):
            return []
        self._started = True
        wave = [self._unfinished.popleft() for _ in range(min(self._width, len(self._unfinished)))]
        while len(wave) < self._width and self._unread:
            wave.append(self._unread.popleft())
        return [Read(block, after, self._page(found, len(wave))) for block, after in wave]

    def _page(self, found: int, blocks: int) -> int:
        """Each of `blocks` pages' part of what is still wanted, read at the share kept so far;
        never more than `enough` from one block. The share counts `FIRST_SHARE_KEPT` as one
        profile read, so it starts there and a wave that kept nobody widens the pages (up to
        `enough`) instead of dividing by 0."""
        share = (found + FIRST_SHARE_KEPT) / (self._returned + 1)
        to_read = math.ceil(READ_MARGIN * (self.enough - found) / share)
        return min(self.enough, max(MIN_PAGE, math.ceil(to_read / blocks)))

    def read(self, page: Read, keys: Sequence[str]) -> None:
        """The `reach` keys a page returned, in order: a full page means its block may hold
        more, read from after its last key."""
        self._returned += len(keys)
        if keys and len(keys) == page.limit:
            self._unfinished.append((page.block, keys[-1]))
