import pytest
from _pytest.nodeid import coerce_node_id

pytest_plugins = ["together_kit.testing.plugin"]


def pytest_collection_modifyitems(config: pytest.Config, items: list["pytest.Item"]) -> None:
    """Under `pytest -n` (xdist, `--dist loadgroup`), tests that start service processes or a
    browser run one after another on one worker: two such at once on a 2-core machine only make
    each slower, and a fault test's broker faults or one test's vhost teardown then stall the
    other's broker connections past their timeouts. Unit and integration tests share out over
    every worker.

    pytest-xdist 3.8 groups a test by renaming `item._nodeid` to end in `@<group>`, which pytest 9
    no longer reads (a node's id is `_id`): so the group's suffix is put on `_id` here, on each
    worker, which is what the scheduler reads (`-v` shows `@processes` on those tests)."""
    grouping = hasattr(config, "workerinput") and bool(config.getvalue("loadgroup"))
    for item in items:
        if any(item.get_closest_marker(name) for name in ("e2e", "browser", "reliability")):
            item.add_marker(pytest.mark.xdist_group("processes"))
            if grouping:
                item._id = coerce_node_id(f"{item.nodeid}@processes")  # type: ignore[attr-defined]


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A long string parameter (a signed token, a sample text) is named by its length, not its
    text: a token made at collection time differs between xdist workers, which must collect the
    same test ids."""
    if isinstance(val, str) and len(val) > 40:
        return f"{argname}-{len(val)}-chars"
    return None
