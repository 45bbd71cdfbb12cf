from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from together_kit.districts import SHIPPED
from together_kit.settings import ServiceSettings

DISTRICTS = SHIPPED
"""The postcode-district table shipped in the kit, the one signups checks postcodes against
(derived from GeoNames, CC BY 4.0: see together_kit/districts/ATTRIBUTION.md and
scripts/derive_districts.py)."""


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_")

    service_name: str = "matching"
    port: int = 8003
    public_base_url: str = "http://127.0.0.1:8003"
    """Where people reach matching; links in messages start with it."""
    geocoder: Literal["geonames", "postcodes.io"] = "geonames"
    geonames_path: Path = DISTRICTS
    """A GeoNames postal-code file (tab-separated, no header): the shipped district table, or a
    full GeoNames GB.txt. postcodes.io falls back to it for what it does not know."""
    postcodes_io_url: str = "https://api.postcodes.io"
    geocode_timeout_seconds: float = 5.0
    geocode_cache_retention_days: float = Field(default=30.0, gt=0)
    """How long a geocoded postcode (an event's full postcode among them) is kept in the store."""
    proposals_per_place: int = 3
    """K: an event with n places is proposed to at most n x K volunteers."""
    weekly_cap: int = 2
    """At most this many proposals per volunteer in any 7 days."""
    events_per_new_volunteer: int = 3
    """N: the best upcoming events proposed to a newly confirmed volunteer."""
    unmatched_after_days: int = 7
    unmatched_interval_seconds: float = 3600.0
    call_after_weeks: float = Field(default=4.0, ge=0)
    """A district whose confirmed volunteers have had no event in reach this long opens a call
    to action (domain.calls)."""
    call_reach_km: float = Field(default=10.0, gt=0)
    """How far an upcoming event may be from a district's centre and still count as in reach."""
    calls_interval_seconds: float = Field(default=3600.0, gt=0)
    """How often the districts are reviewed for calls to open and close."""
    submit_rate_limit: str = "10/minute"
