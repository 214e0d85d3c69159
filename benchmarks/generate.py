"""Generate layered, well-formed models of any size for the benchmarks.

Parties sit in layers; each party sends ``flows_per_party`` flows to random parties of the
next layer (wrapping around), carrying one or two data items, with a mix of protections;
a few keys are held by first-layer parties; an authority compels a handful of parties.
With ``toggles > 0`` every flow gets a guard of 1-2 literals over the toggles, or only the
fraction ``guarded`` of them; with ``guards_by_layer``, over the toggles of its sender's layer only
(a toggle per feature of one part of the system, rather than toggles crossing at random).

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
    guarded: float = 1.0,
    guards_by_layer: bool = False,
) -> str:
    """Model text with the given size; deterministic for a given seed.  With ``guarded``
    below 1, each flow is guarded with that probability (drawn only then, so that models
    with every flow guarded stay the ones earlier figures were measured on)."""
    rng = random.Random(seed)
    layer_rng = random.Random(seed + 1)
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
            if toggle_ids and (guarded >= 1 or rng.random() < guarded):
                guard = _guard(rng, toggle_ids)
                per_layer = max(1, len(toggle_ids) // layers)
                own = toggle_ids[layer * per_layer : (layer + 1) * per_layer]
                if guards_by_layer and own:  # the same model but for the guards
                    guard = _guard(layer_rng, own)
                fields.append(f'when: "{guard}"')
            out.append(f"  f{count}: {{{', '.join(fields)}}}")
            count += 1
    out.append("access:")
    for i, victim in enumerate(rng.sample(names, k=min(5, parties))):
        out.append(f"  a{i}: {{party: authority, from: {victim}, kind: compel}}")
    return "\n".join(out) + "\n"


def chain(parties: int, kind: str = "flows") -> str:
    """A chain of ``parties`` parties passing one personal datum on, one hop each: flows
    ``p0 → p1 → ...`` (``kind="flows"``), or authorities each compelling the previous one,
    the first compelling the datum's origin (``kind="access"``)."""
    out = ["threatmodel: 1", f"title: Chain of {parties} parties ({kind})", "parties:"]
    if kind == "flows":
        out += [f"  p{i}: {{kind: service}}" for i in range(parties)]
        out += ["data:", "  d: {origin: [p0]}", "flows:"]
        out += [
            f"  f{i}: {{from: p{i}, to: p{i + 1}, data: [d], protection: none}}"
            for i in range(parties - 1)
        ]
    elif kind == "access":
        out.append("  p0: {kind: service}")
        out += [f"  a{i}: {{kind: authority}}" for i in range(1, parties)]
        out += ["data:", "  d: {origin: [p0]}", "access:"]
        out += [
            f"  c{i}: {{party: a{i}, from: {'p0' if i == 1 else f'a{i - 1}'}, kind: compel}}"
            for i in range(1, parties)
        ]
    else:
        raise ValueError(f"unknown chain kind {kind!r}")
    return "\n".join(out) + "\n"


def xor_toggles(toggles: int) -> str:
    """A model whose exposure is the exclusive or of ``toggles`` toggles, whose smallest sum
    of products has 2^(toggles-1) products: each toggle chooses which of two parallel flows
    carries the datum on, and only an odd number of crossings reaches the last party."""
    out = ["threatmodel: 1", f"title: Exclusive or of {toggles} toggles", "parties:"]
    out += [f"  {side}{i}: {{kind: service}}" for i in range(toggles + 1) for side in "eo"]
    out += ["  sink: {kind: service}", "toggles:"]
    out += [f"  t{i}: {{default: false}}" for i in range(toggles)]
    out += ["data:", "  d: {origin: [e0]}", "flows:"]
    for i in range(toggles):
        for side, other in (("e", "o"), ("o", "e")):
            out.append(
                f"  {side}{i}_stay: {{from: {side}{i}, to: {side}{i + 1}, data: [d], "
                f"protection: none, when: not t{i}}}"
            )
            out.append(
                f"  {side}{i}_cross: {{from: {side}{i}, to: {other}{i + 1}, data: [d], "
                f"protection: none, when: t{i}}}"
            )
    out.append(f"  out: {{from: o{toggles}, to: sink, data: [d], protection: none}}")
    return "\n".join(out) + "\n"


def sealed_relay(parties: int, data: int, keys: int) -> str:
    """A chain passing ``data`` data both readable and sealed, each hop under the next of
    ``keys`` keys: every party ends up holding every datum under every key met so far."""
    out = [
        "threatmodel: 1",
        f"title: Sealed relay of {parties} parties, {data} data, {keys} keys",
        "parties:",
    ]
    out += [f"  p{i}: {{kind: service}}" for i in range(parties)]
    out += ["data:", *(f"  d{i}: {{origin: [p0]}}" for i in range(data))]
    out += ["keys:", *(f"  k{i}: {{holders: [p0]}}" for i in range(keys))]
    carried = ", ".join(f"d{i}" for i in range(data))
    out.append("flows:")
    for i in range(parties - 1):
        out.append(
            f"  t{i}: {{from: p{i}, to: p{i + 1}, data: [{carried}], protection: transport}}"
        )
        sealed = f"{{end_to_end: k{i % keys}}}"
        out.append(f"  s{i}: {{from: p{i}, to: p{i + 1}, data: [{carried}], protection: {sealed}}}")
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
    parser.add_argument(
        "--guarded", type=float, default=1.0, help="fraction of flows guarded by toggles"
    )
    parser.add_argument(
        "--guards-by-layer",
        action="store_true",
        help="guard each flow with toggles of its sender's layer only",
    )
    parser.add_argument(
        "--shape",
        choices=["layered", "chain-flows", "chain-access", "xor", "sealed-relay"],
        default="layered",
        help="chain-*: --parties in a chain; xor: exposure is the XOR of --toggles toggles; "
        "sealed-relay: --parties in a chain passing --data data, sealed under --keys keys",
    )
    parser.add_argument("--keys", type=int, default=10, help="keys of --shape sealed-relay")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    if args.shape == "layered":
        text = generate(
            args.parties,
            args.flows_per_party,
            args.data,
            args.toggles,
            seed=args.seed,
            guarded=args.guarded,
            guards_by_layer=args.guards_by_layer,
        )
    elif args.shape == "xor":
        text = xor_toggles(args.toggles)
    elif args.shape == "sealed-relay":
        text = sealed_relay(args.parties, args.data, args.keys)
    else:
        text = chain(args.parties, args.shape.removeprefix("chain-"))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
