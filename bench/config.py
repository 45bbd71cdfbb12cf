"""Scenario sizes: the issue's figures by default, tiny ones with `--quick` (a smoke run)."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Params:
    quick: bool = False
    seed: int = 8
    out: Path = Path("var/bench")
    geonames: Path = Path()
    # B1 signup surge
    b1_signups: int = 5000
    b1_concurrency: int = 64
    b1_half_rate_seconds: float = 10.0
    # B2 end to end
    b2_rates: tuple[float, ...] = (20.0, 50.0)
    """Signups/s, one steady run each; issue 20's goals: p99 <= 250 ms at 20/s, <= 1 s at 50/s."""
    b2_seconds: float = 20.0
    hop_samples: int = 200
    # B3 matching
    b3_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    """The issue's three. The million is most of a full run: loading it into nx-27017 took 6 to 20
    minutes (3,000 to 700 profiles/s, quiet or shared machine; 16 minutes on 2026-11-26) and
    matching 50 events against it 21 more; `--b3-sizes 10000,100000` leaves it out."""
    b3_events: int = 50
    b3_places: int = 10
    # B4 fan-out
    b4_messages: int = 10_000
    # B5 consumer
    b5_events: int = 5000
    # B7 overload
    b7_multiplier: float = 10.0
    b7_seconds: float = 60.0
    b7_max_in_flight: int = 1024
    b7_timeout_seconds: float = 10.0
    profile: bool = False
    """py-spy the service under load (B1: signups) into <out>/profiles/."""


def quick_params(base: Params) -> Params:
    """Every scenario end to end with tiny numbers: a smoke run of well under a minute."""
    return Params(
        quick=True,
        seed=base.seed,
        out=base.out,
        geonames=base.geonames,
        b1_signups=120,
        b1_concurrency=8,
        b1_half_rate_seconds=1.0,
        b2_rates=(20.0,),
        b2_seconds=1.5,
        hop_samples=15,
        b3_sizes=(300, 1000) if base.b3_sizes == Params.b3_sizes else base.b3_sizes,
        b3_events=4,
        b3_places=3,
        b4_messages=60,
        b5_events=60,
        b7_multiplier=base.b7_multiplier,
        b7_seconds=1.5 if base.b7_seconds == Params.b7_seconds else base.b7_seconds,
        b7_max_in_flight=128,
        b7_timeout_seconds=5.0,
        profile=base.profile,
    )
