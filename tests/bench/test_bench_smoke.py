"""`python -m bench --quick`: every scenario runs end to end with tiny sizes and reports figures.

The full benchmark (`make bench`) takes many minutes; this smoke run keeps the harness working in
`make test`. It checks the shape of what is reported, never the figures themselves (the machine
may be shared).
"""

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ("B1", "B2", "B3", "B4", "B5", "B6", "B7")
CHARTS = ("latency-distributions.svg", "matching-vs-volunteers.svg", "ratios.svg")


@pytest.mark.skipif(
    not shutil.which("rabbitmqctl") and not os.environ.get("RABBITMQ_URL"),
    reason="the bench makes a vhost of its own with rabbitmqctl (or uses RABBITMQ_URL)",
)
@pytest.mark.timeout(380)
def test_quick_bench_reports_every_scenario_with_ratios(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=360,  # 71 s on a quiet machine, over 230 s on a busy one: only the shape counts
        check=False,
    )
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]
    results = json.loads((out / "results.json").read_text())
    assert sorted(results["scenarios"]) == list(SCENARIOS)
    for key, scenario in results["scenarios"].items():
        assert scenario["figures"], f"{key} reported no figure: {scenario['notes']}"
        for figure in scenario["figures"]:
            for field in ("value", "limit", "ratio"):
                number = figure[field]
                assert isinstance(number, int | float), (key, figure)
                assert math.isfinite(number), (key, figure)
            assert figure["limit_name"]
    for chart in CHARTS:
        svg = out / chart
        assert svg.is_file(), chart
        assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert "ratio" in finished.stdout
