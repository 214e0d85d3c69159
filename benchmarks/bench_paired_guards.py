"""The worst known case for the exposure conditions: flows guarded by pairs of toggles whose
names sort apart (``a03 and b03``), so that in the name order every BDD over them is
exponential.  The fixpoint copes; the closest-setting search, the dead-toggle test and the
printing of conditions recurse in name order and grow with 2^pairs.

    python benchmarks/bench_paired_guards.py [--pairs 12 14 16 18] [--repeat 1]

Model: ``src`` sends a datum to ``dst`` through one relay per pair, the hop into relay i
guarded by ``ai and bi``; so ``dst`` reads it when (a00 and b00) or (a01 and b01) or ...
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from measure import best_of, table


def paired_model(pairs: int) -> str:
    """The model text for ``pairs`` guarded relays."""
    lines = ["threatmodel: 1", f"title: {pairs} paired guards", "parties:"]
    lines += ["  src: {kind: person}", "  dst: {kind: service}"]
    lines += [f"  hop{i}: {{kind: service}}" for i in range(pairs)]
    lines.append("toggles:")
    for i in range(pairs):
        lines += [f"  a{i:02d}: {{default: false}}", f"  b{i:02d}: {{default: false}}"]
    lines += ["data:", "  d: {origin: [src]}", "flows:"]
    for i in range(pairs):
        guard = f"a{i:02d} and b{i:02d}"
        lines.append(f"  in{i}: {{from: src, to: hop{i}, data: [d], when: {guard}}}")
        lines.append(f"  out{i}: {{from: hop{i}, to: dst, data: [d]}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[12, 14, 16, 18])
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "analysis.json"
        for pairs in options.pairs:
            model = Path(directory) / f"pairs_{pairs}.yaml"
            model.write_text(paired_model(pairs), "utf-8")
            result = best_of(
                options.repeat, ["analyze", str(model), "--format", "json", "-o", str(output)]
            )
            rows.append([pairs, 2 * pairs, f"{result.seconds:.2f}", f"{result.peak_mb:.0f}"])
    print(table(["pairs", "toggles", "wall (s)", "peak RSS (MB)"], rows))


if __name__ == "__main__":
    main()
