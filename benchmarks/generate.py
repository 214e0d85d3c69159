"""Generate layered, well-formed models of any size for the benchmarks.

Parties sit in layers; each party sends ``flows_per_party`` flows to random parties of the
next layer (wrapping around), carrying one or two data items, with a mix of protections;
a few keys are held by first-layer parties; an authority compels a handful of parties.
With ``toggles > 0`` every flow gets a guard of 1-2 literals over the toggles.

    python benchmarks/generate.py --parties 1000 --flows-per-party 5 --data 10 -o model.yaml
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path


def generate(
    parties: int,
    flows_per_party: int,
    data: int,
    toggles: int = 0,
    layers: int = 10,
    seed: int = 1,
) -> str:
    """Model text with the given size; deterministic for a given seed."""
    rng = random.Random(seed)
    names = [f"p{i}" for i in range(parties)]
    layer_of = {name: i * layers // parties for i, name in enumerate(names)}
    by_layer: dict[int, list[str]] = {}
    for name in names:
        by_layer.setdefault(layer_of[name], []).append(name)
    data_ids = [f"d{i}" for i in range(data)]
    key_ids = [f"k{i}" for i in range(max(1, data // 5))]
    toggle_ids = [f"t{i}" for i in range(toggles)]
    first = by_layer[0]

    out = ["threatmodel: 1", f"title: Layered benchmark ({parties} parties)", "boundaries:"]
    out += [f"  b{layer}: {{title: Layer {layer}}}" for layer in sorted(by_layer)]
    out.append("parties:")
    out += [f"  {name}: {{kind: service, boundary: b{layer_of[name]}}}" for name in names]
    out.append("  authority: {kind: authority}")
    if toggle_ids:
        out.append("toggles:")
        out += [f"  {t}: {{default: {str(rng.random() < 0.5).lower()}}}" for t in toggle_ids]
    out.append("data:")
    out += [f"  {d}: {{origin: [{rng.choice(first)}]}}" for d in data_ids]
    out.append("keys:")
    out += [f"  {k}: {{holders: [{rng.choice(first)}, {rng.choice(names)}]}}" for k in key_ids]
    out.append("flows:")
    count = 0
    for name in names:
        layer = layer_of[name]
        targets = by_layer.get(layer + 1) or by_layer[0]
        for _ in range(flows_per_party):
            carried = sorted(set(rng.sample(data_ids, k=min(len(data_ids), rng.randint(1, 2)))))
            if rng.random() < 0.1:
                carried.append(rng.choice(key_ids))
            roll = rng.random()
            protection = (
                "transport"
                if roll < 0.5
                else "none"
                if roll < 0.7
                else f"{{end_to_end: {rng.choice(key_ids)}}}"
            )
            fields = [
                f"from: {name}",
                f"to: {rng.choice(targets)}",
                f"data: [{', '.join(carried)}]",
                f"protection: {protection}",
            ]
            if toggle_ids:
                fields.append(f'when: "{_guard(rng, toggle_ids)}"')
            out.append(f"  f{count}: {{{', '.join(fields)}}}")
            count += 1
    out.append("access:")
    for i, victim in enumerate(rng.sample(names, k=min(5, parties))):
        out.append(f"  a{i}: {{party: authority, from: {victim}, kind: compel}}")
    return "\n".join(out) + "\n"


def _guard(rng: random.Random, toggles: list[str]) -> str:
    literals = [
        f"{'not ' if rng.random() < 0.5 else ''}{t}"
        for t in rng.sample(toggles, k=min(len(toggles), rng.randint(1, 2)))
    ]
    return " and ".join(literals)


def main(argv: list[str] | None = None) -> int:
    """Command line: write a generated model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=1000)
    parser.add_argument("--flows-per-party", type=int, default=5)
    parser.add_argument("--data", type=int, default=10)
    parser.add_argument("--toggles", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    text = generate(args.parties, args.flows_per_party, args.data, args.toggles, seed=args.seed)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
