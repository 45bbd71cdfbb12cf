# The two commands a newcomer needs are `make run` and `make test`; the rest serve development.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --frozen

.PHONY: help sync run test test-fast lint format docs reliability budgets bench

help:
	@echo "make run    - the whole system on this machine (embedded store unless MONGODB_URL is set;"
	@echo "              ports are settings: uv run python scripts/run.py --help)"
	@echo "make test   - every test (real RabbitMQ, real wire-protocol store, real processes)"
	@echo "make lint   - ruff, mypy and the import boundaries"
	@echo "make docs   - rebuild docs/events.md from the services' AsyncAPI documents"
	@echo "make reliability - every fault scenario (long ones too), then a table of what was lost or doubled"
	@echo "make budgets - store commands per operation, counted by the budget tests (var/bench/budgets.json)"
	@echo "make bench  - budgets, then the benchmarks B1-B7 with ratios to limits measured in the same run;"
	@echo "              publishes docs/benchmarks.md and docs/benchmarks/*.svg (results in var/bench/)"

sync:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --quiet --compile-bytecode

run: sync
	$(RUN) python scripts/run.py

test: sync
	$(RUN) lint-imports --no-cache
	$(RUN) pytest -n 2 --dist loadgroup

test-fast: sync
	$(RUN) pytest -m "unit"

lint: sync
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy shared/contracts/src shared/kit/src services/*/src scripts bench
	$(RUN) lint-imports --no-cache

format: sync
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

docs: sync
	$(RUN) python scripts/build_catalogue.py

reliability: sync
	$(RUN) pytest tests/reliability -m reliability -q

# The budget tests write the file themselves when TOGETHER_BUDGETS_OUT names it (bench/budgets.py).
budgets: sync
	@mkdir -p var/bench && rm -f var/bench/budgets.json
	TOGETHER_BUDGETS_OUT=$(CURDIR)/var/bench/budgets.json $(RUN) pytest -m budget -q

# A budget over its goal still lets the bench run: the page shows it as NO.
bench: sync
	-@$(MAKE) --no-print-directory budgets
	$(RUN) python -m bench --publish
