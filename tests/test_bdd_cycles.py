"""No BDD node may end up in a reference cycle.

``dd`` wraps the result of each CUDD operation in a new Python object before it takes a
reference to the node; if the cyclic garbage collector runs at that allocation and frees
objects holding BDD nodes, a node can die and come back without CUDD counting it, and
CUDD aborts the process at its next garbage collection.  The command line runs with the
collector off, but the package is also a library: every command here must leave no
``dd`` object in the garbage the collector finds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = """
import collections, gc, sys
gc.set_debug(gc.DEBUG_SAVEALL)
from threatmodel.cli import cli
try:
    cli(sys.argv[1:], prog_name="threatmodel")
except SystemExit:
    pass
gc.collect()
found = collections.Counter(
    type(o).__qualname__ for o in gc.garbage if type(o).__module__.startswith("dd")
)
print(dict(found))
"""


def _parallel_paths(paths: int) -> str:
    """``sink`` reads ``d`` along any of ``paths`` routes, each open when both of its two
    toggles are: more variables than covers are minimised exactly for."""
    lines = ["threatmodel: 1", "title: Parallel guarded routes", "parties:"]
    lines += ["  source: {kind: service}", "  sink: {kind: service}"]
    lines += [f"  hop{i}: {{kind: service}}" for i in range(paths)]
    lines.append("toggles:")
    lines += [f"  {side}{i}: {{default: false}}" for i in range(paths) for side in "ab"]
    lines += ["data:", "  d: {origin: [source]}", "flows:"]
    for i in range(paths):
        lines.append(
            f"  in{i}: {{from: source, to: hop{i}, data: [d], protection: none, when: a{i}}}"
        )
        lines.append(
            f"  out{i}: {{from: hop{i}, to: sink, data: [d], protection: none, when: b{i}}}"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "arguments",
    [
        ["analyze", "{parallel}", "--format", "json"],
        ["check", "{parallel}"],
        ["analyze", "{shipped}"],
        ["check", "{shipped}", "--format", "sarif"],
        ["coalitions", "{shipped}"],
        ["report", "{shipped}"],
        ["diff", "{shipped}", "{other}"],
    ],
    ids=lambda arguments: "-".join(a for a in arguments if not a.startswith("{")),
)
def test_no_bdd_node_in_a_reference_cycle(arguments: list[str], tmp_path: Path) -> None:
    parallel = tmp_path / "parallel.yaml"
    parallel.write_text(_parallel_paths(6), encoding="utf-8")
    models = {
        "parallel": str(parallel),
        "shipped": str(ROOT / "models" / "whatsapp_ai.yaml"),
        "other": str(ROOT / "models" / "messenger_ai.yaml"),
    }
    filled = [argument.format(**models) for argument in arguments]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *filled, "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "{}"
