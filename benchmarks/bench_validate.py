"""``threatmodel validate`` on a 30,000-party / 60,000-flow model: wall time and peak memory.

python benchmarks/bench_validate.py [--parties 30000] [--flows-per-party 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generate import generate
from measure import best_of, table


def main(argv: list[str] | None = None) -> int:
    """Generate the model, time ``validate`` on it, print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=30_000)
    parser.add_argument("--flows-per-party", type=int, default=2)
    parser.add_argument("--data", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        model = Path(directory) / "large.yaml"
        model.write_text(generate(args.parties, args.flows_per_party, args.data), "utf-8")
        size_mb = model.stat().st_size / 1e6
        result = best_of(args.repeat, ["validate", str(model)])
    flows = args.parties * args.flows_per_party
    print(
        table(
            ["parties", "flows", "file (MB)", "wall (s)", "peak RSS (MB)"],
            [
                [
                    f"{args.parties:,}",
                    f"{flows:,}",
                    f"{size_mb:.1f}",
                    f"{result.seconds:.2f}",
                    f"{result.peak_mb:.0f}",
                ]
            ],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
