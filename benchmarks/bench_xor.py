"""Hostile conditions: ``analyze`` of a model whose exposure is the exclusive or of N toggles,
so that the smallest sum of products of the last party's condition has 2^(N-1) products
(the model text is 11 KB at N = 30).

    python benchmarks/bench_xor.py [--toggles 18 20 30] [--formats json text] [--repeat 1]

Target: N = 30 in at most 5 s and 500 MB, with at most 1 MB of output.  Conditions beyond
a few hundred products are printed as a factored form read off the BDD.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generate import xor_toggles
from measure import best_of, megabytes, table, verdict

TARGET_TOGGLES = 30
TARGET_SECONDS = 5.0
TARGET_MB = 500.0
TARGET_OUTPUT_MB = 1.0


def main(argv: list[str] | None = None) -> int:
    """Time ``analyze`` per number of toggles and format; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, nargs="+", default=[18, 20, 30])
    parser.add_argument("--formats", nargs="+", default=["json", "text"])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for toggles in args.toggles:
            model = Path(directory) / f"xor_{toggles}.yaml"
            model.write_text(xor_toggles(toggles), "utf-8")
            output = Path(directory) / "out"
            for output_format in args.formats:
                result = best_of(
                    args.repeat,
                    ["analyze", str(model), "--format", output_format, "-o", str(output)],
                )
                size = float(megabytes(output))
                target = "—"
                if toggles == TARGET_TOGGLES:
                    target = "; ".join(
                        [
                            f"≤ {TARGET_SECONDS:g} s: {verdict(result.seconds, TARGET_SECONDS)}",
                            f"≤ {TARGET_MB:g} MB: {verdict(result.peak_mb, TARGET_MB)}",
                            f"output ≤ 1 MB: {verdict(size, TARGET_OUTPUT_MB)}",
                        ]
                    )
                rows.append(
                    [
                        str(toggles),
                        f"{model.stat().st_size:,}",
                        output_format,
                        f"{result.seconds:.2f}",
                        f"{result.cpu_seconds:.2f}",
                        f"{result.peak_mb:.0f}",
                        f"{size:.2f}",
                        target,
                    ]
                )
    header = ["toggles", "model (bytes)", "format", "wall (s)", "cpu (s)", "peak RSS (MB)"]
    print(table([*header, "output (MB)", "target"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
