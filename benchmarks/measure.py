"""What the benchmark scripts share: running ``threatmodel`` as a child process and reading
its wall time and peak resident memory, and printing markdown tables.

Peak memory comes from ``os.wait4``, which returns the resource usage of exactly the child
waited for (``getrusage(RUSAGE_CHILDREN)`` only gives the largest child so far).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One run of a command."""

    seconds: float
    peak_mb: float
    returncode: int
    stderr: str
    stdout: str
    cpu_seconds: float = 0.0
    """User and system time of the child: on a machine shared with other work, a steadier
    figure than the wall time."""


def threatmodel_command() -> list[str]:
    """``$THREATMODEL_BENCH_COMMAND`` (split like a shell would; to time another version,
    say), else the ``threatmodel`` console script next to this Python, else ``python -m
    threatmodel``."""
    override = os.environ.get("THREATMODEL_BENCH_COMMAND")
    if override:
        return shlex.split(override)
    script = Path(sys.executable).with_name("threatmodel")
    if script.exists():
        return [str(script)]
    found = shutil.which("threatmodel")
    return [found] if found else [sys.executable, "-m", "threatmodel"]


def run(
    arguments: Sequence[str],
    env: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> Run:
    """Run ``threatmodel ARGUMENTS...`` (or ``COMMAND ARGUMENTS...``).  Standard output goes
    to a file (a pipe read only after the child ends could fill up and stall it)."""
    environment = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as captured:
        started = time.perf_counter()
        with subprocess.Popen(
            [*(command or threatmodel_command()), *arguments],
            stdout=captured,
            stderr=subprocess.PIPE,
            env=environment,
        ) as process:
            assert process.stderr is not None
            stderr = process.stderr.read().decode("utf-8", "replace")
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
        captured.seek(0)
        stdout = captured.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, stderr, stdout, cpu)


def best_of(count: int, arguments: Sequence[str], env: Mapping[str, str] | None = None) -> Run:
    """The fastest of ``count`` runs (its own peak memory); fails loudly on a non-zero exit."""
    return _best(count, arguments, env, stop_allowed=False)


LIMIT_HINT = "THREATMODEL_MAX_CONDITION_NODES"
"""Named by the error of an analysis stopped at the condition size limit."""


def best_or_stopped(
    count: int, arguments: Sequence[str], env: Mapping[str, str] | None = None
) -> tuple[Run, bool]:
    """The fastest of ``count`` runs, and whether the analysis stopped at the condition
    size limit (exit 2 with that error) instead of answering; fails loudly otherwise."""
    fastest = _best(count, arguments, env, stop_allowed=True)
    return fastest, fastest.returncode == 2


def _best(
    count: int, arguments: Sequence[str], env: Mapping[str, str] | None, *, stop_allowed: bool
) -> Run:
    runs = [run(arguments, env) for _ in range(count)]
    for result in runs:
        stopped = stop_allowed and result.returncode == 2 and LIMIT_HINT in result.stderr
        if result.returncode not in (0, 1) and not stopped:
            raise SystemExit(
                f"threatmodel {' '.join(arguments)} exited {result.returncode}:\n{result.stderr}"
            )
    return min(runs, key=lambda r: r.seconds)


def megabytes(path: Path) -> str:
    """The size of a file in MB, for the tables."""
    return f"{path.stat().st_size / 1_000_000:.2f}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(value: float, limit: float) -> str:
    """``ok`` or ``MISSED`` against a target."""
    return "ok" if value <= limit else "MISSED"
