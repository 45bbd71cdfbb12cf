"""Where a run's figures came from: the commit measured and the machine it ran on."""

import os
import platform
import subprocess
from pathlib import Path

PUBLISHED = (":(exclude)docs/benchmarks.md", ":(exclude)docs/benchmarks")
"""A previous run's page, not yet committed, changes no code measured: it does not make the tree dirty."""


def commit(root: Path) -> str:
    """`git rev-parse --short HEAD`, with "+dirty" when tracked or new files differ from it."""
    try:
        head = _git(root, "rev-parse", "--short", "HEAD").strip()
        changes = _git(root, "status", "--porcelain", "--", ".", *PUBLISHED)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}+dirty" if changes.strip() else head


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30
    ).stdout


def machine() -> dict[str, str]:
    """What the absolute figures depend on: cores, memory, CPU, kernel, Python."""
    return {
        "cpus": str(_cpus()),
        "memory": _memory(),
        "cpu": _cpu_model(),
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "node": platform.node(),
    }


def _cpus() -> int | str:
    """The cores this process may run on (a container's share), else the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or "?"


def _memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "?"
    return f"{total / 2**30:.1f} GiB"


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or "?"
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return platform.processor() or "?"
