"""The cost of evidence grading: the same layered model analysed ungraded and graded.

    python benchmarks/bench_evidence.py [--parties 1000] [--repeat 5]

The ungraded model cites nothing, so every step has the same tier and the closure orders
facts by derivation size alone.  The graded one is the same model with one source of each
assurance and a random source on every party, datum, key, flow and access, so that tiers
mix and the closure's priority (tier, then size) reorders facts.  Both are timed as the
whole ``analyze --format json`` command (best of ``--repeat``) and in-process as the
analysis alone (``analyze()``: closures, symbolic conditions, impacts), since the command's
time is mostly loading and writing.  Target: graded at most 1.3 times ungraded.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

from generate import generate
from measure import best_of, table, verdict

from threatmodel.engine.exposure import analyze
from threatmodel.load.loader import load_file
from threatmodel.load.model import Assurance

FLOWS_PER_PARTY = 5
DATA = 10
TARGET = 1.3
GRADED_SECTIONS = {"parties:", "data:", "keys:", "flows:", "access:"}
ELEMENT = re.compile(r"^(  \w+: \{.*)\}$")


def graded(text: str, seed: int = 1) -> str:
    """``text`` with a source of each assurance and a random source on every element that
    derivation steps use."""
    rng = random.Random(seed)
    sources = [f"s_{assurance.value}" for assurance in Assurance]
    out: list[str] = []
    section = ""
    for line in text.splitlines():
        if not line.startswith(" "):
            section = line
            if line == "boundaries:":
                out.append("sources:")
                out += [
                    f"  s_{a.value}: {{title: Source {a.value}, assurance: {a.value}}}"
                    for a in Assurance
                ]
        match = ELEMENT.match(line)
        if match and section in GRADED_SECTIONS:
            line = f"{match.group(1)}, source: [{rng.choice(sources)}]}}"
        out.append(line)
    return "\n".join(out) + "\n"


def in_process(path: Path, repeat: int) -> float:
    """The fastest of ``repeat`` runs of the analysis alone, in seconds."""
    loaded = load_file(str(path))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        analyze(loaded)
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    """Time both models; print a markdown table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    args = parser.parse_args(argv)
    rows = []
    seconds: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        plain_text = generate(args.parties, FLOWS_PER_PARTY, DATA)
        for name, text in (("ungraded", plain_text), ("graded", graded(plain_text))):
            model = Path(directory) / f"{name}.yaml"
            model.write_text(text, "utf-8")
            output = Path(directory) / f"{name}.json"
            command = best_of(
                args.repeat, ["analyze", str(model), "--format", "json", "-o", str(output)]
            )
            analysis = in_process(model, args.repeat)
            seconds[name] = (command.seconds, analysis)
            rows.append(
                [name, f"{command.seconds:.2f}", f"{analysis:.3f}", f"{command.peak_mb:.0f}"]
            )
    print(
        f"{args.parties:,} parties, {args.parties * FLOWS_PER_PARTY:,} flows, "
        f"best of {args.repeat}\n"
    )
    print(table(["model", "analyze command (s)", "analysis alone (s)", "peak RSS (MB)"], rows))
    command_ratio = seconds["graded"][0] / seconds["ungraded"][0]
    analysis_ratio = seconds["graded"][1] / seconds["ungraded"][1]
    print(
        f"\ngraded / ungraded: command {command_ratio:.2f}×, analysis {analysis_ratio:.2f}× "
        f"(target ≤ {TARGET:g}×: {verdict(max(command_ratio, analysis_ratio), TARGET)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
