"""The steps of the repository's GitHub Action (``action.yml``), testable on any machine.

    python scripts/github_action.py check              # threatmodel check, SARIF, exit code
    python scripts/github_action.py comment [--base REF]  # on a pull request: the diff comment

Both read the action's inputs from ``INPUT_*`` environment variables (``INPUT_MODELS``: one
or more globs, ``**`` allowed; ``INPUT_FAIL_ON``; ``INPUT_SARIF``: a path, empty for none)
and GitHub's own (``GITHUB_OUTPUT``, ``GITHUB_REPOSITORY``, ``GITHUB_EVENT_PATH``,
``GITHUB_BASE_REF``, ``GITHUB_STEP_SUMMARY``).

``check`` runs ``threatmodel check`` on the models (its text in the log), writes the SARIF
file, and hands the exit status to the action's last step as the output ``exit-code``, so
that the SARIF upload and the comment happen before the job fails.

``comment`` compares every model the pull request adds, changes or removes with its version
on the base branch (``threatmodel diff --format markdown``, Mermaid diagram included) and
posts the result as one comment, found again on the next push by the hidden marker on its
first line and edited in place (through ``gh api``); the same text goes to the job summary.
A pull request that changes no model gets no comment, and an earlier comment says so.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

MARKER = "<!-- threatmodel-action -->"
"""First line of the action's comment: how it finds the comment again."""
MAX_COMMENT = 65_536
"""Characters GitHub accepts in a comment body."""
EMPTY_MODEL = "threatmodel: 1\ntitle: (no model)\n"
"""The "old version" of a model the pull request adds."""
DEFAULT_MODELS = "threatmodels/**/*.yaml threat_models/**/*.yaml **/*.threatmodel.yaml"
"""Where models are when the ``models`` input is empty (as for the pre-commit hooks)."""
THREATMODEL = [sys.executable, "-m", "threatmodel"]
MERMAID = re.compile(r"^```mermaid\n.*?^```\n", re.MULTILINE | re.DOTALL)


def model_paths(patterns: str) -> list[str]:
    """The files the whitespace-separated globs match (``**`` spans directories), sorted."""
    found: set[str] = set()
    for pattern in patterns.split():
        matches = glob.glob(pattern.removeprefix("./"), recursive=True)
        found.update(os.path.normpath(p) for p in matches if os.path.isfile(p))
    return sorted(found)


def set_output(name: str, value: str) -> None:
    """A step output, for the action's later steps."""
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")


def check() -> int:
    """``threatmodel check`` on the models: text to the log, SARIF to ``INPUT_SARIF``."""
    patterns = os.environ.get("INPUT_MODELS", "").strip() or DEFAULT_MODELS
    fail_on = os.environ.get("INPUT_FAIL_ON", "").strip() or "high"
    sarif = os.environ.get("INPUT_SARIF", "").strip()
    models = model_paths(patterns)
    if not models:
        print(f"::error::no model file matches '{patterns}' (input 'models')", flush=True)
        set_output("exit-code", "2")
        return 0
    options = ["--fail-on", fail_on]
    status = subprocess.run([*THREATMODEL, "check", *models, *options], check=False).returncode
    if sarif and status != 2:
        Path(sarif).parent.mkdir(parents=True, exist_ok=True)
        command = [*THREATMODEL, "check", *models, *options, "--format", "sarif", "-o", sarif]
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    set_output("exit-code", str(status))
    return 0


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def resolve_base(ref: str) -> str | None:
    """The commit ``ref`` names; the pull request's base branch is fetched first when the
    checkout (one commit deep, by default) does not have it."""
    branch = os.environ.get("GITHUB_BASE_REF", "")
    if git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0 and branch:
        git("fetch", "--no-tags", "--depth=1", "origin", f"+{branch}:refs/remotes/origin/{branch}")
    found = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return found.stdout.strip() if found.returncode == 0 else None


def base_models(base: str, patterns: str) -> dict[str, str]:
    """The base commit's files that the globs match, with their contents."""
    listed = git("ls-tree", "-r", "--name-only", base).stdout.splitlines()
    regexes = [_glob_regex(pattern) for pattern in patterns.split()]
    chosen = [path for path in listed if any(r.fullmatch(path) for r in regexes)]
    return {path: git("show", f"{base}:{path}").stdout for path in chosen}


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob (``*``, ``?``, ``**/``) as a regular expression over repository paths."""
    pattern = pattern.removeprefix("./")
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out, index = out + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            out, index = out + ".*", index + 2
        elif pattern[index] == "*":
            out, index = out + "[^/]*", index + 1
        elif pattern[index] == "?":
            out, index = out + "[^/]", index + 1
        else:
            out, index = out + re.escape(pattern[index]), index + 1
    return re.compile(out)


def diff_section(path: str, old_text: str | None) -> str:
    """The markdown of what the pull request does to the model at ``path``."""
    with tempfile.TemporaryDirectory() as directory:
        old = Path(directory) / "base.yaml"
        old.write_text(EMPTY_MODEL if old_text is None else old_text, encoding="utf-8")
        done = subprocess.run(
            [*THREATMODEL, "diff", str(old), path, "--format", "markdown"],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        errors = done.stderr.replace(str(old), f"{path} (base)").strip()
        return f"### Threat model: `{path}`\n\nNot compared:\n\n```\n{errors}\n```\n"
    prefix = "_A new model._\n\n" if old_text is None else ""
    return prefix + done.stdout


def comment_body(base: str, patterns: str) -> str | None:
    """The comment: one section per model added, changed or removed; ``None`` when none."""
    before = base_models(base, patterns)
    after = model_paths(patterns)
    sections = []
    for path in sorted(set(before) | set(after)):
        if path not in after:
            sections.append(f"### Threat model: `{path}`\n\n**Removed.**\n")
        elif path not in before or Path(path).read_text(encoding="utf-8") != before[path]:
            sections.append(diff_section(path, before.get(path)))
    if not sections:
        return None
    body = "\n".join([MARKER, "## What this pull request does to exposure", "", *sections])
    if len(body) > MAX_COMMENT:
        note = "_Diagram left out: the comment would be longer than GitHub allows._\n"
        body = MERMAID.sub(note, body)
    if len(body) > MAX_COMMENT:
        cut = "\n\n_Cut here: the comment would be longer than GitHub allows; see the job log._"
        body = body[: MAX_COMMENT - len(cut)] + cut
    return body


def gh(*args: str, payload: dict[str, str] | None = None) -> str:
    """``gh api ARGS``, with ``payload`` as the JSON request body; its standard output."""
    command = ["gh", "api", *args]
    if payload is not None:
        command += ["--input", "-"]
    done = subprocess.run(
        command,
        input=json.dumps(payload) if payload is not None else None,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"gh api exited {done.returncode}")
    return done.stdout


def own_comment(repository: str, number: int) -> int | None:
    """The id of the action's earlier comment on the pull request, if any."""
    text = gh("--paginate", f"repos/{repository}/issues/{number}/comments?per_page=100")
    decoder = json.JSONDecoder()
    index = 0
    text = text.strip()
    while index < len(text):
        page, index = decoder.raw_decode(text, index)
        while index < len(text) and text[index].isspace():
            index += 1
        for comment in page:
            if str(comment.get("body", "")).startswith(MARKER):
                return int(comment["id"])
    return None


def comment(base: str | None) -> int:
    """Post or update the pull request's comment."""
    event_path = os.environ.get("GITHUB_EVENT_PATH", "")
    event = json.loads(Path(event_path).read_text(encoding="utf-8")) if event_path else {}
    number = event.get("pull_request", {}).get("number")
    if number is None:
        print("not a pull request: no comment")
        return 0
    patterns = os.environ.get("INPUT_MODELS", "").strip() or DEFAULT_MODELS
    ref = base or f"origin/{os.environ.get('GITHUB_BASE_REF', '')}"
    commit = resolve_base(ref)
    if commit is None:
        print(f"::warning::cannot find the base commit '{ref}': no comment")
        return 0
    body = comment_body(commit, patterns)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and body is not None:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(body.removeprefix(MARKER + "\n") + "\n")
    repository = os.environ["GITHUB_REPOSITORY"]
    try:
        existing = own_comment(repository, int(number))
        if existing is not None:
            text = body or f"{MARKER}\nThis pull request no longer changes any threat model."
            url = f"repos/{repository}/issues/comments/{existing}"
            gh("--method", "PATCH", url, payload={"body": text})
            print(f"updated comment {existing}")
        elif body is not None:
            url = f"repos/{repository}/issues/{number}/comments"
            gh("--method", "POST", url, payload={"body": body})
            print("commented")
        else:
            print("no model changed: no comment")
    except RuntimeError as exc:
        # a pull request from a fork gets a read-only token: the summary still has it all
        print(f"::warning::cannot comment on the pull request: {exc}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("check", help="threatmodel check, SARIF, exit code")
    commenting = steps.add_parser("comment", help="the pull request's diff comment")
    commenting.add_argument("--base", help="base commit (default: origin/$GITHUB_BASE_REF)")
    args = parser.parse_args(argv)
    if args.step == "check":
        return check()
    return comment(args.base)


if __name__ == "__main__":
    sys.exit(main())
