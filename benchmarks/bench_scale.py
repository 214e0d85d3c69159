"""Scale: ``analyze --format json`` of 10,000 parties / 50,000 flows; 100 toggles over 4,000
guarded flows, answered symbolically; ``render`` of 1,000 parties (default overview).

    python benchmarks/bench_scale.py [--toggles 100] [--repeat 1]

Targets: 10,000 / 50,000 at most 5 s and 1 GB; 100 toggles at most 5 s; render at most 3 s.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generate import generate
from measure import best_of, megabytes, table, verdict


def main(argv: list[str] | None = None) -> int:
    """Time each workload; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, default=100, help="toggles of the second model")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        output = folder / "out"
        wide = folder / "wide.yaml"
        wide.write_text(generate(10_000, 5, 10), "utf-8")
        toggled = folder / "toggles.yaml"
        toggled.write_text(generate(400, 10, 10, args.toggles), "utf-8")
        drawn = folder / "drawn.yaml"
        drawn.write_text(generate(1_000, 5, 10), "utf-8")
        workloads = [
            (
                "analyze --format json, 10,000 parties / 50,000 flows",
                ["analyze", str(wide), "--format", "json", "-o", str(output)],
                5.0,
                1_000.0,
            ),
            (
                f"analyze --format json, {args.toggles} toggles × 4,000 flows",
                ["analyze", str(toggled), "--format", "json", "-o", str(output)],
                5.0,
                None,
            ),
            (
                "render, 1,000 parties / 5,000 flows",
                ["render", str(drawn), "-o", str(folder / "diagrams")],
                3.0,
                None,
            ),
        ]
        for label, arguments, seconds, memory in workloads:
            result = best_of(args.repeat, arguments)
            target = [f"≤ {seconds:g} s: {verdict(result.seconds, seconds)}"]
            if memory is not None:
                target.append(f"≤ {memory:g} MB: {verdict(result.peak_mb, memory)}")
            size = megabytes(output) if arguments[0] == "analyze" else "—"
            rows.append(
                [
                    label,
                    f"{result.seconds:.2f}",
                    f"{result.cpu_seconds:.2f}",
                    f"{result.peak_mb:.0f}",
                    size,
                    "; ".join(target),
                ]
            )
    header = ["workload", "wall (s)", "cpu (s)", "peak RSS (MB)", "output (MB)", "target"]
    print(table(header, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
