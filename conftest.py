import pytest

pytest_plugins = ["together_kit.testing.plugin"]


def pytest_collection_modifyitems(items: list["pytest.Item"]) -> None:
    """Under `pytest -n` (xdist, `--dist loadgroup`), tests that start service processes or a
    browser are meant to run one after another on one worker: two such at once on a 2-core
    machine would only make each slower. Unit and integration tests share out over every worker.

    Not so today: pytest-xdist 3.8 groups by renaming `item._nodeid`, which pytest 9 no longer
    reads (a node's id is `_id`), so every test is a unit of its own and these share out over both
    workers like the rest (`-v` shows no `@processes` suffix on any test)."""
    for item in items:
        if any(item.get_closest_marker(name) for name in ("e2e", "browser", "reliability")):
            item.add_marker(pytest.mark.xdist_group("processes"))


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A long string parameter (a signed token, a sample text) is named by its length, not its
    text: a token made at collection time differs between xdist workers, which must collect the
    same test ids."""
    if isinstance(val, str) and len(val) > 40:
        return f"{argname}-{len(val)}-chars"
    return None
