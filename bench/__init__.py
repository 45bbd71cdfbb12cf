"""Benchmarks B1-B7 (issue 8): each figure beside a limit measured in the same run.

`python -m bench [B1 B3 ...] [--quick] [--seed N] [--out var/bench]` (or `make bench`) runs the
scenarios on this machine against real processes, the embedded store and the local RabbitMQ,
prints one table, writes `results.json` and SVG charts under `--out`. Beside it goes the table of
store commands per operation that `make budgets` counted (bench/budgets.py). With `--publish` (a
full run only; `make bench` passes it) the run also writes docs/benchmarks.md and
docs/benchmarks/*.svg (bench/publish.py). The machine may be shared,
so absolute figures are noisy; the ratio of each figure to its limit, measured moments apart on
the same machine, is the number to compare between runs.
"""
