"""Measure ``threatmodel report`` on a generated 1,000-party model, in a real browser.

Generates a layered model (``generate.py``: 1,000 parties, 5 flows each, 60 data, 8
toggles), writes its report, opens it in headless chromium through Playwright and measures:
the file's size, the page's first contentful paint and the time until its script has drawn
the page, the number of elements, and the time from clicking each toggle until the next
frame (the flip, as the reader sees it).  Needs Playwright (the dev extras) and Debian's
``chromium`` (``apt-get install chromium``; ``--chromium PATH`` for another).

    python benchmarks/bench_report.py [--parties 1000] [--data 60] [--toggles 8]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from generate import generate
from measure import run, table, verdict
from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZE_LIMIT_MB = 1.5
PAINT_LIMIT_MS = 1000
FLIP_LIMIT_MS = 100

_FLIP = """async name => {
  const box = document.getElementById('v-' + name);
  const started = performance.now();
  box.click();
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - started;
}"""

_PAINTED = "performance.getEntriesByName('first-contentful-paint').length > 0"

_LOAD = """() => {
  const paint = performance.getEntriesByType('paint')
    .find(entry => entry.name === 'first-contentful-paint');
  const navigation = performance.getEntriesByType('navigation')[0];
  const ready = performance.getEntriesByName('report-ready')[0];
  return {paint: paint ? paint.startTime : null, loaded: navigation.loadEventEnd,
          ready: ready ? ready.startTime : null,
          elements: document.getElementsByTagName('*').length,
          toggles: [...document.querySelectorAll('#toggles input')].map(b => b.id.slice(2))};
}"""


def main(argv: list[str] | None = None) -> int:
    """Print the report's size, first paint and flip times against their targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=1000)
    parser.add_argument("--flows-per-party", type=int, default=5)
    parser.add_argument("--data", type=int, default=60)
    parser.add_argument("--toggles", type=int, default=8)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        model = Path(directory) / "generated.yaml"
        model.write_text(
            generate(args.parties, args.flows_per_party, args.data, args.toggles), encoding="utf-8"
        )
        report = Path(directory) / "report.html"
        done = run(["report", str(model), "-o", str(report)])
        if done.returncode != 0:
            raise SystemExit(f"report failed ({done.returncode}): {done.stderr.strip()}")
        size_mb = report.stat().st_size / 1e6
        flows = args.parties * args.flows_per_party
        print(
            f"model: {args.parties:,} parties, {flows:,} flows, {args.data} data, "
            f"{args.toggles} toggles; report written in {done.seconds:.1f} s"
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_function(_PAINTED)
            loaded = page.evaluate(_LOAD)
            flips = [page.evaluate(_FLIP, name) for name in loaded["toggles"] * 2]
            browser.close()
    rows: list[list[object]] = [
        ["report size (MB)", f"{size_mb:.2f}", SIZE_LIMIT_MB, verdict(size_mb, SIZE_LIMIT_MB)],
        [
            "first contentful paint (ms)",
            f"{loaded['paint']:.0f}",
            PAINT_LIMIT_MS,
            verdict(loaded["paint"], PAINT_LIMIT_MS),
        ],
        ["script done (ms)", f"{loaded['ready']:.0f}", "", ""],
        ["load event end (ms)", f"{loaded['loaded']:.0f}", "", ""],
        ["elements in the page", f"{loaded['elements']:,}", "", ""],
        [
            f"flip, median of {len(flips)} (ms)",
            f"{statistics.median(flips):.0f}",
            FLIP_LIMIT_MS,
            verdict(statistics.median(flips), FLIP_LIMIT_MS),
        ],
        [
            "flip, slowest (ms)",
            f"{max(flips):.0f}",
            FLIP_LIMIT_MS,
            verdict(max(flips), FLIP_LIMIT_MS),
        ],
    ]
    print(table(["measure", "value", "target", ""], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
