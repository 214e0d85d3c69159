"""``threatmodel analyze --format json`` on layered models with one setting (no toggles).

    python benchmarks/bench_analyze.py [--sizes 100 1000 5000] [--repeat 3]

Targets: 1,000 parties / 5,000 flows under 1.5 s and 200 MB; 5,000 / 25,000 under 8 s.
The output goes to a regular file in a temporary directory, so that the time includes the
atomic write (``-o /dev/null`` would write to the device directly).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generate import generate
from measure import best_of, table, verdict

FLOWS_PER_PARTY = 5
DATA = 10
TARGETS = {1_000: (1.5, 200.0), 5_000: (8.0, None)}
"""Parties → (seconds, megabytes or None)."""


def main(argv: list[str] | None = None) -> int:
    """Time the whole command for each size; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 5_000])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for parties in args.sizes:
            model = Path(directory) / f"layered_{parties}.yaml"
            model.write_text(generate(parties, FLOWS_PER_PARTY, DATA), "utf-8")
            output = Path(directory) / "analysis.json"
            result = best_of(
                args.repeat, ["analyze", str(model), "--format", "json", "-o", str(output)]
            )
            seconds, megabytes = TARGETS.get(parties, (None, None))
            target = []
            if seconds is not None:
                target.append(f"< {seconds:g} s: {verdict(result.seconds, seconds)}")
            if megabytes is not None:
                target.append(f"< {megabytes:g} MB: {verdict(result.peak_mb, megabytes)}")
            rows.append(
                [
                    f"{parties:,}",
                    f"{parties * FLOWS_PER_PARTY:,}",
                    f"{result.seconds:.2f}",
                    f"{result.peak_mb:.0f}",
                    "; ".join(target) or "—",
                ]
            )
    print(table(["parties", "flows", "wall (s)", "peak RSS (MB)", "target"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
