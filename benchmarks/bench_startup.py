"""Fixed cost: ``threatmodel --help``, ``analyze`` of each shipped model (what pre-commit
runs on every commit), and ``validate`` of a 1,000-party / 5,000-flow model.

    python benchmarks/bench_startup.py [--repeat 5] [--no-compile]

Targets: ``--help`` at most 0.15 s; ``analyze`` of each shipped model at most 0.3 s;
``validate`` of the 1,000 / 5,000 model at most 0.3 s.  Best of ``--repeat`` runs.

The package's modules are compiled to bytecode first, as installing it does: from a
checkout with ``PYTHONDONTWRITEBYTECODE`` set, every run would otherwise compile them all
again (about 60 ms), which no installed copy does.  ``--no-compile`` times the checkout as
it is.
"""

from __future__ import annotations

import argparse
import compileall
import tempfile
from pathlib import Path

from generate import generate
from measure import best_of, table, verdict

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
HELP_SECONDS = 0.15
ANALYZE_SECONDS = 0.3
VALIDATE_SECONDS = 0.3


def main(argv: list[str] | None = None) -> int:
    """Time each command; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    parser.add_argument(
        "--no-compile", action="store_true", help="do not compile the package's bytecode first"
    )
    args = parser.parse_args(argv)
    if not args.no_compile:
        compileall.compile_dir(ROOT / "threatmodel", quiet=1)
    with tempfile.TemporaryDirectory() as directory:
        large = Path(directory) / "layered_1000.yaml"
        large.write_text(generate(1_000, 5, 10), "utf-8")
        output = Path(directory) / "out"
        runs: list[tuple[str, list[str], float]] = [("--help", ["--help"], HELP_SECONDS)]
        runs += [
            (f"analyze {model.name}", ["analyze", str(model), "-o", str(output)], ANALYZE_SECONDS)
            for model in sorted(MODELS.glob("*.yaml"))
        ]
        runs.append(("validate 1,000 / 5,000", ["validate", str(large)], VALIDATE_SECONDS))
        rows = []
        for label, arguments, limit in runs:
            result = best_of(args.repeat, arguments)
            rows.append(
                [
                    label,
                    f"{result.seconds:.3f}",
                    f"{result.cpu_seconds:.3f}",
                    f"{result.peak_mb:.0f}",
                    f"≤ {limit:g} s: {verdict(result.seconds, limit)}",
                ]
            )
    print(table(["command", "wall (s)", "cpu (s)", "peak RSS (MB)", "target"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
