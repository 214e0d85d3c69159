"""Scale: ``analyze --format json`` of 10,000 parties / 50,000 flows; toggles over 4,000
flows, every one or a tenth of them guarded, answered symbolically or stopped by the
condition size limit; every setting of a 5,000-party model with 12 toggles listed;
``render`` of 1,000 parties (default overview); ``check`` of many copies of the largest
shipped model in one run.

    python benchmarks/bench_scale.py [--toggles 100] [--fixed 40] [--sparse 0.1]
        [--listed-toggles 12] [--copies 60] [--repeat 1]

Targets: 10,000 / 50,000 at most 5 s and 1 GB; each toggle workload at most 5 s, whether it
is answered or stopped (a condition's decision diagram past the limit, see
``docs/format.md``); render at most 3 s.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generate import generate
from measure import best_of, best_or_stopped, megabytes, table, verdict

LARGEST_SHIPPED = Path(__file__).resolve().parent.parent / "models" / "whatsapp_ai.yaml"


def main(argv: list[str] | None = None) -> int:
    """Time each workload; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, default=100, help="toggles of the large model")
    parser.add_argument("--fixed", type=int, default=40, help="toggles then fixed with --set")
    parser.add_argument(
        "--sparse", type=float, default=0.1, help="fraction of flows guarded in the sparse run"
    )
    parser.add_argument("--copies", type=int, default=60, help="models checked in one run of check")
    parser.add_argument(
        "--listed-toggles",
        type=int,
        default=12,
        help="toggles of the 5,000-party model whose settings are all listed",
    )
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        output = folder / "out"
        wide = folder / "wide.yaml"
        wide.write_text(generate(10_000, 5, 10), "utf-8")
        result = best_of(args.repeat, ["analyze", str(wide), "--format", "json", "-o", str(output)])
        rows.append(
            [
                "analyze --format json, 10,000 parties / 50,000 flows",
                f"{result.seconds:.2f}",
                f"{result.cpu_seconds:.2f}",
                f"{result.peak_mb:.0f}",
                megabytes(output),
                f"≤ 5 s: {verdict(result.seconds, 5)}; ≤ 1000 MB: {verdict(result.peak_mb, 1000)}",
            ]
        )
        pins = [f"--set=t{i}=true" for i in range(args.fixed)]
        runs = [(1.0, []), (1.0, pins), (args.sparse, [])]
        for guarded, fixed in runs:
            model = folder / f"toggles{args.toggles}_{guarded}.yaml"
            model.write_text(generate(400, 10, 10, args.toggles, guarded=guarded), "utf-8")
            output.unlink(missing_ok=True)
            arguments = ["analyze", str(model), *fixed, "--format", "json", "-o", str(output)]
            result, stopped = best_or_stopped(args.repeat, arguments)
            label = f"analyze --format json, {args.toggles} toggles × 4,000 flows"
            if guarded < 1:
                label += f", {guarded:.0%} of them guarded"
            if fixed:
                label += f", {len(fixed)} fixed with --set"
            rows.append(
                [
                    label,
                    f"{result.seconds:.2f}",
                    f"{result.cpu_seconds:.2f}",
                    f"{result.peak_mb:.0f}",
                    "stopped: condition size limit" if stopped else megabytes(output),
                    f"≤ 5 s: {verdict(result.seconds, 5)}",
                ]
            )
        listed = folder / "listed.yaml"
        listed.write_text(generate(5_000, 5, 10, args.listed_toggles), "utf-8")
        output.unlink(missing_ok=True)
        result = best_of(
            args.repeat, ["analyze", str(listed), "--format", "json", "-o", str(output)]
        )
        rows.append(
            [
                f"analyze --format json, 5,000 parties, {args.listed_toggles} toggles: "
                f"all {2**args.listed_toggles:,} settings listed",
                f"{result.seconds:.2f}",
                f"{result.cpu_seconds:.2f}",
                f"{result.peak_mb:.0f}",
                megabytes(output),
                "memory does not grow with each setting listed",
            ]
        )
        drawn = folder / "drawn.yaml"
        drawn.write_text(generate(1_000, 5, 10), "utf-8")
        result = best_of(args.repeat, ["render", str(drawn), "-o", str(folder / "diagrams")])
        rows.append(
            [
                "render, 1,000 parties / 5,000 flows",
                f"{result.seconds:.2f}",
                f"{result.cpu_seconds:.2f}",
                f"{result.peak_mb:.0f}",
                "—",
                f"≤ 3 s: {verdict(result.seconds, 3)}",
            ]
        )
        copies = []
        for index in range(args.copies):
            copy = folder / f"copy{index}.yaml"
            copy.write_text(LARGEST_SHIPPED.read_text("utf-8"), "utf-8")
            copies.append(str(copy))
        output.unlink(missing_ok=True)
        result = best_of(args.repeat, ["check", *copies, "-o", str(output)])
        rows.append(
            [
                f"check, {args.copies} copies of {LARGEST_SHIPPED.name}",
                f"{result.seconds:.2f}",
                f"{result.cpu_seconds:.2f}",
                f"{result.peak_mb:.0f}",
                megabytes(output),
                "memory does not grow with each model's analysis",
            ]
        )
    header = ["workload", "wall (s)", "cpu (s)", "peak RSS (MB)", "output (MB)", "target"]
    print(table(header, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
