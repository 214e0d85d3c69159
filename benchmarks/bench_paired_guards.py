"""Conditions whose BDDs are exponential in a bad variable order: pairs of toggles whose
names sort apart, ``dst`` reading a datum when (a00 and b00) or (a01 and b01) or ...; in
name order every BDD of that function has about 2^pairs nodes.

    python benchmarks/bench_paired_guards.py [--pairs 12 16 20 24 30] [--repeat 1]

Models: ``src`` sends the datum to ``dst`` through one relay per pair.  *joint*: the hop into
relay i is guarded by ``ai and bi``.  *split*: the hop in by ``ai`` and the hop out by
``bi``, all the hops in declared before all the hops out.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from measure import best_of, table


def paired_model(pairs: int, split: bool) -> str:
    """The model text for ``pairs`` guarded relays."""
    lines = ["threatmodel: 1", f"title: {pairs} paired guards", "parties:"]
    lines += ["  src: {kind: person}", "  dst: {kind: service}"]
    lines += [f"  hop{i}: {{kind: service}}" for i in range(pairs)]
    lines.append("toggles:")
    lines += [f"  a{i:02d}: {{default: false}}" for i in range(pairs)]
    lines += [f"  b{i:02d}: {{default: false}}" for i in range(pairs)]
    lines += ["data:", "  d: {origin: [src]}", "flows:"]
    into = [f"a{i:02d}" if split else f"a{i:02d} and b{i:02d}" for i in range(pairs)]
    out = [f"b{i:02d}" if split else "true" for i in range(pairs)]
    lines += [
        f"  in{i}: {{from: src, to: hop{i}, data: [d], when: {into[i]}}}" for i in range(pairs)
    ]
    lines += [
        f"  out{i}: {{from: hop{i}, to: dst, data: [d], when: {out[i]}}}" for i in range(pairs)
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[12, 16, 20, 24, 30])
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "analysis.json"
        for pairs in options.pairs:
            for split in (False, True):
                model = Path(directory) / f"pairs_{pairs}.yaml"
                model.write_text(paired_model(pairs, split), "utf-8")
                result = best_of(
                    options.repeat, ["analyze", str(model), "--format", "json", "-o", str(output)]
                )
                shape = "split" if split else "joint"
                rows.append(
                    [pairs, 2 * pairs, shape, f"{result.seconds:.2f}", f"{result.peak_mb:.0f}"]
                )
    print(table(["pairs", "toggles", "guards", "wall (s)", "peak RSS (MB)"], rows))


if __name__ == "__main__":
    main()
