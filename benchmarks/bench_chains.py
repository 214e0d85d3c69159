"""Long chains: ``check`` and ``analyze --format json`` on a chain of N parties passing one
personal datum on, by flows (``p0 → p1 → ...``) and by accesses (authorities each compelling
the previous one).  Every party is a finding whose witness is as long as the chain.

    python benchmarks/bench_chains.py [--sizes 1500 3000 10000] [--repeat 1]

Target: 10,000 parties, either kind, in at most 3 s and 300 MB.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generate import chain
from measure import best_of, megabytes, table, verdict

TARGET_PARTIES = 10_000
TARGET_SECONDS = 3.0
TARGET_MB = 300.0


def main(argv: list[str] | None = None) -> int:
    """Time both commands on both kinds of chain; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_500, 3_000, 10_000])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for parties in args.sizes:
            for kind in ("flows", "access"):
                model = Path(directory) / f"chain_{kind}_{parties}.yaml"
                model.write_text(chain(parties, kind), "utf-8")
                output = Path(directory) / "out"
                for command in (["check"], ["analyze", "--format", "json"]):
                    result = best_of(args.repeat, [*command, str(model), "-o", str(output)])
                    target = "—"
                    if parties == TARGET_PARTIES:
                        target = (
                            f"≤ {TARGET_SECONDS:g} s: {verdict(result.seconds, TARGET_SECONDS)}; "
                            f"≤ {TARGET_MB:g} MB: {verdict(result.peak_mb, TARGET_MB)}"
                        )
                    rows.append(
                        [
                            f"{parties:,}",
                            kind,
                            " ".join(command),
                            f"{result.seconds:.2f}",
                            f"{result.cpu_seconds:.2f}",
                            f"{result.peak_mb:.0f}",
                            megabytes(output),
                            target,
                        ]
                    )
    header = ["parties", "chain of", "command", "wall (s)", "cpu (s)", "peak RSS (MB)"]
    print(table([*header, "output (MB)", "target"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
