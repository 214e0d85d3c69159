"""Time ``threatmodel render`` on a generated 1,000-party model, as a user runs it.

Generates a layered model (``generate.py``: 1,000 parties in 10 boundaries, 5 flows each)
and times each view as a subprocess, so the figures include start-up, loading, analysis,
layout and writing.  The in-process Graphviz is used unless ``--backend dot`` is given.

    python benchmarks/bench_render.py [--parties 1000] [--flows-per-party 5] [--backend wasm]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generate import generate
from measure import Run, run


def _time(arguments: list[str]) -> Run:
    done = run(["render", *arguments])
    if done.returncode != 0:
        raise SystemExit(f"render failed ({done.returncode}): {done.stderr.strip()}")
    return done


def main(argv: list[str] | None = None) -> int:
    """Print one line per view: seconds, diagrams written, notes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=1000)
    parser.add_argument("--flows-per-party", type=int, default=5)
    parser.add_argument("--data", type=int, default=10)
    parser.add_argument("--toggles", type=int, default=0)
    parser.add_argument("--backend", choices=["auto", "dot", "wasm"], default="wasm")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        model = Path(directory) / "generated.yaml"
        model.write_text(
            generate(args.parties, args.flows_per_party, args.data, args.toggles), encoding="utf-8"
        )
        flows = args.parties * args.flows_per_party
        print(f"model: {args.parties:,} parties, {flows:,} flows, {args.data} data")
        out = str(Path(directory) / "out")
        common = ["-o", out, "--backend", args.backend]
        views = {
            "overview (default --max-parties 60)": [str(model), *common],
            "overview + 10 boundary views (--max-parties 100)": [
                str(model), *common, "--max-parties", "100"
            ],
            "focus on d0": [str(model), *common, "--focus", "--highlight", "d0"],
            "DOT only, overview + boundaries": [
                str(model), *common, "--max-parties", "100", "--format", "dot"
            ],
        }  # fmt: skip
        for name, arguments in views.items():
            done = _time(arguments)
            lines = done.stdout.splitlines()
            written = sum(1 for line in lines if not line.startswith("note:"))
            notes = sum(1 for line in lines if line.startswith("note:"))
            print(
                f"{done.seconds:7.2f} s  {done.peak_mb:4.0f} MB  {name}: "
                f"{written} diagrams, {notes} notes"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
