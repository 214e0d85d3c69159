"""Exposure conditions over many toggles: the whole ``analyze --format json`` command with
both BDD backends, and the symbolic engine against enumerating every setting.

    python benchmarks/bench_conditions.py [--toggles 10 20 40 60] [--repeat 1]
        [--backends autoref cudd] [--enumerate-toggles 12] [--sample 0]

Models: 400 parties, 10 flows each (4,000 flows), 10 data, every flow guarded by 1-2 literals
over the toggles (``generate(400, 10, 10, toggles)``); past about 75 toggles the analysis
stops at the condition size limit (the outcome column says so).  Target: 40 toggles under
5 s for the whole command; at 12 toggles the symbolic conditions at least 100 times faster
than a closure per setting for all 4,096 settings.  ``--sample N`` times N settings instead of all
and scales up (for a quick look).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from generate import generate
from measure import best_or_stopped, table, verdict

from threatmodel.engine import sop
from threatmodel.engine.bdd import Bdd
from threatmodel.engine.closure import close
from threatmodel.engine.consistency import load_text
from threatmodel.engine.graph import model_edges
from threatmodel.engine.inference import Problem
from threatmodel.engine.space import make_space
from threatmodel.engine.symbolic import solve

PARTIES = 400
FLOWS_PER_PARTY = 10
DATA = 10
TARGET_SECONDS = {40: 5.0}
SPEEDUP_TARGET = 100.0
REPEAT = 5
"""In-process timings are the best of this many runs (the enumeration, of two)."""


def backend_name(requested: str) -> str:
    """The ``dd`` module a run with ``THREATMODEL_BDD=requested`` uses."""
    return Bdd((), requested).backend


def whole_command(toggle_counts: list[int], backends: list[str], repeat: int) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for toggles in toggle_counts:
            model = Path(directory) / f"toggles_{toggles}.yaml"
            model.write_text(generate(PARTIES, FLOWS_PER_PARTY, DATA, toggles), "utf-8")
            output = Path(directory) / "analysis.json"
            for requested in backends:
                result, stopped = best_or_stopped(
                    repeat,
                    ["analyze", str(model), "--format", "json", "-o", str(output)],
                    env={"THREATMODEL_BDD": requested},
                )
                limit = TARGET_SECONDS.get(toggles)
                target = f"< {limit:g} s: {verdict(result.seconds, limit)}" if limit else "—"
                rows.append(
                    [
                        str(toggles),
                        f"{PARTIES * FLOWS_PER_PARTY:,}",
                        backend_name(requested),
                        f"{result.seconds:.2f}",
                        f"{result.peak_mb:.0f}",
                        "stopped: condition size limit" if stopped else "answered",
                        target,
                    ]
                )
    header = ["toggles", "flows", "backend", "wall (s)", "peak RSS (MB)", "outcome", "target"]
    return table(header, rows)


def symbolic_vs_enumeration(toggles: int, backends: list[str], sample: int) -> str:
    """In-process: the lifted fixpoint against one closure per setting for every setting,
    each with its active flows and accesses.  Creating the manager (a fixed cost, about
    10 ms for CUDD) and printing the conditions are shown apart: ``analyze`` needs the
    manager anyway, and enumeration yields no formula to print."""
    loaded = load_text(generate(PARTIES, FLOWS_PER_PARTY, DATA, toggles), "conditions.yaml")
    space = make_space(loaded.model)
    problem = Problem(loaded.model, model_edges(loaded.model))

    settings = [
        dict(zip(space.variables, values, strict=True))
        for values in itertools.product([False, True], repeat=len(space.variables))
    ]
    chosen = settings if sample <= 0 else settings[:: max(1, len(settings) // sample)]
    enumeration = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        for setting in chosen:
            close(problem, problem.active(space.environment(setting)))
        enumeration = min(enumeration, time.perf_counter() - started)
    enumeration *= len(settings) / len(chosen)
    scaled = "" if len(chosen) == len(settings) else f" ({len(chosen)} timed, scaled)"

    rows = []
    for requested in backends:
        manager = solved = float("inf")
        for _ in range(REPEAT):  # a fresh manager each time: no warm caches
            started = time.perf_counter()
            bdd = space.bdd(requested)
            allowed = space.allowed(bdd)
            made = time.perf_counter()
            conditions = solve(problem, space, bdd, allowed)
            manager = min(manager, made - started)
            solved = min(solved, time.perf_counter() - made)
        functions = {*conditions.plain.values(), *conditions.sealed.values()}
        started = time.perf_counter()
        for function in functions:
            sop.condition_text(bdd, function, allowed)
        printed = time.perf_counter() - started
        speedup = enumeration / solved
        rows.append(
            [
                bdd.backend,
                f"{enumeration:.2f}{scaled}",
                f"{manager:.3f}",
                f"{solved:.4f}",
                f"{speedup:.0f}×",
                f"≥ {SPEEDUP_TARGET:g}×: {verdict(SPEEDUP_TARGET, speedup)}",
                f"{printed:.3f} ({len(functions)} functions)",
            ]
        )
    header = [
        "backend",
        f"closure per setting × {len(settings):,} (s)",
        "new manager + allowed (s)",
        "symbolic fixpoint (s)",
        "speed-up",
        "target",
        "condition texts (s)",
    ]
    return table(header, rows)


def main(argv: list[str] | None = None) -> int:
    """Print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, nargs="+", default=[10, 20, 40, 60])
    parser.add_argument("--backends", nargs="+", default=["autoref", "cudd"])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument("--enumerate-toggles", type=int, default=12)
    parser.add_argument("--sample", type=int, default=0, help="settings timed (0: all)")
    args = parser.parse_args(argv)
    print(whole_command(args.toggles, args.backends, args.repeat))
    print()
    print(f"At {args.enumerate_toggles} toggles, {PARTIES * FLOWS_PER_PARTY:,} flows:")
    print()
    print(symbolic_vs_enumeration(args.enumerate_toggles, args.backends, args.sample))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
