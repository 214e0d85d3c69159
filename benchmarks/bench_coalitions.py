"""``threatmodel coalitions`` on a 300-party model with 40 candidates, coalitions up to size 3.

    python benchmarks/bench_coalitions.py [--parties 300] [--candidates 40] [--max-size 3]
        [--toggles 10] [--repeat 3]

Target: under 5 s for the whole command (``--format json -o FILE``, witnesses included).
The CPU time (user and system) of the child is shown too: on a busy machine the wall time
says more about the other processes.

The model (:func:`split_keys_model`): the user originates every datum and holds every key.
Each candidate receives one or two items sealed end to end: a datum under a key, a key
under another key, or a key in the clear, so that reading a datum takes pooling a
ciphertext, its key and, through a chain, the key of that key; one candidate in eight
reads a datum other than ``d0`` (the one asked about) alone.  The other parties forward
what the candidates hold (transport protection) along random chains, so that the fixpoint
has the size of a real model, and every flow out of the user is guarded by one or two
toggle literals.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from measure import best_of, run, table, verdict

TARGET_SECONDS = 5.0


def split_keys_model(
    parties: int, candidates: int, toggles: int, data: int = 2, keys: int = 4, seed: int = 1
) -> str:
    """Model text; deterministic for a given seed."""
    rng = random.Random(seed)
    names = [f"p{i}" for i in range(1, parties)]
    chosen, others = names[:candidates], names[candidates:]
    data_ids = [f"d{i}" for i in range(data)]
    key_ids = [f"k{i}" for i in range(keys)]
    toggle_ids = [f"t{i}" for i in range(toggles)]
    out = ["threatmodel: 1", f"title: Split keys ({parties} parties)", "parties:"]
    out.append("  user: {kind: person}")
    out += [f"  {name}: {{kind: service}}" for name in names]
    if toggle_ids:
        out.append("toggles:")
        out += [f"  {t}: {{default: {str(rng.random() < 0.7).lower()}}}" for t in toggle_ids]
    out.append("data:")
    out += [f"  {d}: {{origin: [user]}}" for d in data_ids]
    out.append("keys:")
    out += [f"  {k}: {{holders: [user]}}" for k in key_ids]
    out.append("flows:")
    count = 0

    def flow(sender: str, receiver: str, item: str, protection: str, guarded: bool) -> None:
        nonlocal count
        fields = [f"from: {sender}", f"to: {receiver}", f"data: [{item}]"]
        fields.append(f"protection: {protection}")
        if guarded and toggle_ids:
            literals = [
                f"{'not ' if rng.random() < 0.3 else ''}{t}"
                for t in rng.sample(toggle_ids, k=min(len(toggle_ids), rng.randint(1, 2)))
            ]
            fields.append(f'when: "{" and ".join(literals)}"')
        out.append(f"  f{count}: {{{', '.join(fields)}}}")
        count += 1

    for name in chosen:
        for _ in range(rng.randint(1, 2)):
            roll = rng.random()
            if roll < 0.125:
                flow("user", name, rng.choice(data_ids[1:]), "transport", True)
            elif roll < 0.5:
                key = rng.choice(key_ids)
                flow("user", name, rng.choice(data_ids), f"{{end_to_end: {key}}}", True)
            elif roll < 0.8:
                inner, outer = rng.sample(key_ids, 2)
                flow("user", name, inner, f"{{end_to_end: {outer}}}", True)
            else:
                flow("user", name, rng.choice(key_ids), "transport", True)
    for name in others:
        source = rng.choice(chosen + others[: others.index(name)])
        for item in rng.sample([*data_ids, *key_ids], k=2):
            flow(source, name, item, "transport", False)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Time the whole command; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=300)
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--max-size", type=int, default=3)
    parser.add_argument("--toggles", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        model = Path(directory) / "split_keys.yaml"
        model.write_text(split_keys_model(args.parties, args.candidates, args.toggles), "utf-8")
        output = Path(directory) / "coalitions.json"
        among = [f"--among=p{i}" for i in range(1, args.candidates + 1)]
        command = ["coalitions", str(model), "--data", "d0", "--max-size", str(args.max_size)]
        command += [*among, "--format", "json", "-o", str(output)]
        result = best_of(args.repeat, command)
        cpu = min(run(command).cpu_seconds for _ in range(args.repeat))
        answer = json.loads(output.read_text("utf-8"))
    sizes = [len(members) for members in answer["coalitions"]]
    by_size = ", ".join(f"{sizes.count(n)} of {n}" for n in sorted(set(sizes))) or "none"
    target = f"< {TARGET_SECONDS:g} s: {verdict(result.seconds, TARGET_SECONDS)}"
    row = [
        f"{args.parties:,}",
        str(len(answer["candidates"])),
        str(args.max_size),
        by_size,
        f"{result.seconds:.2f}",
        f"{cpu:.2f}",
        f"{result.peak_mb:.0f}",
        target,
    ]
    header = ["parties", "candidates", "max size", "coalitions", "wall (s)", "CPU (s)", "RSS (MB)"]
    header.append("target")
    print(table(header, [row]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
