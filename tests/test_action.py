"""The GitHub Action: ``action.yml``'s inputs and steps, and its script run in a temporary git
repository with a base and a head commit, ``gh`` replaced by a stand-in that records calls."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "github_action.py"
CASES = ROOT / "tests" / "cases" / "diff"
MARKER = "<!-- threatmodel-action -->"
STAND_IN = """#!{python}
import json, os, sys
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({{"args": sys.argv[1:], "stdin": sys.stdin.read()}}) + "\\n")
if os.environ.get("GH_FAIL"):
    sys.exit("HTTP 403: Resource not accessible by integration")
if "--method" not in sys.argv:
    sys.stdout.write(os.environ.get("GH_COMMENTS", "[]"))
"""


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose ``main`` has two models and whose ``HEAD`` makes the first end to
    end encrypted, removes the second and adds a third."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    shutil.copy(CASES / "base.yaml", repo / "models" / "chat.yaml")
    shutil.copy(CASES / "base.yaml", repo / "models" / "gone.yaml")
    (repo / "README.md").write_text("not a model\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "checkout", "-q", "-b", "change")
    shutil.copy(CASES / "end_to_end.yaml", repo / "models" / "chat.yaml")
    (repo / "models" / "gone.yaml").unlink()
    shutil.copy(CASES / "new_party.yaml", repo / "models" / "new.yaml")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "head")
    return repo


def run_step(repo: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the action's script in ``repo`` as the action does; the stand-in ``gh``'s log."""
    bin_dir = repo.parent / "bin"
    bin_dir.mkdir(exist_ok=True)
    stand_in = bin_dir / "gh"
    stand_in.write_text(STAND_IN.format(python=sys.executable), encoding="utf-8")
    stand_in.chmod(0o755)
    event = repo.parent / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    log = repo.parent / "gh.log"
    log.write_text("", encoding="utf-8")
    variables = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GH_LOG": str(log),
        "GITHUB_REPOSITORY": "owner/project",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(repo.parent / "output"),
        "GITHUB_STEP_SUMMARY": str(repo.parent / "summary.md"),
        "INPUT_MODELS": "models/*.yaml",
        **env,
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=repo,
        env=variables,
        capture_output=True,
        text=True,
        check=False,
    )
    return done, log


def calls(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_action_inputs_and_steps() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert {"models", "fail-on", "sarif", "comment-diff"} <= set(action["inputs"])
    script = SCRIPT.read_text(encoding="utf-8")
    assert f'DEFAULT_MODELS = "{action["inputs"]["models"]["default"]}"' in script
    assert action["runs"]["using"] == "composite"
    scripts = [
        step["run"] for step in action["runs"]["steps"] if "github_action.py" in step.get("run", "")
    ]
    assert [s.split()[-1] for s in scripts] == ["check", "comment"]


def test_a_pull_request_gets_one_comment_with_each_models_diff(repo: Path) -> None:
    done, log = run_step(repo, "comment", "--base", "main")
    assert done.returncode == 0, done.stderr
    listing, post = calls(log)
    assert listing["args"] == [
        "api",
        "--paginate",
        "repos/owner/project/issues/7/comments?per_page=100",
    ]
    assert post["args"] == [
        "api", "--method", "POST", "repos/owner/project/issues/7/comments", "--input", "-",
    ]  # fmt: skip
    body = json.loads(post["stdin"])["body"]
    assert body.startswith(MARKER + "\n## What this pull request does to exposure\n")
    chat = body.index("### Threat model: `models/chat.yaml`")
    gone = body.index("### Threat model: `models/gone.yaml`\n\n**Removed.**")
    new = body.index(
        "_A new model._\n\n<!-- threatmodel-diff -->\n### Threat model: `models/new.yaml`"
    )
    assert chat < gone < new
    assert "**Exposure shrinks: 2 losses; findings: 3 cleared.**" in body
    assert body.count("```mermaid\n") == 2
    summary = (repo.parent / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## What this pull request does to exposure\n")


def test_the_next_push_updates_the_same_comment(repo: Path) -> None:
    (repo / "models" / "new.yaml").unlink()  # one diff less to run
    comments = [{"id": 41, "body": "LGTM"}, {"id": 42, "body": MARKER + "\nold"}]
    pages = json.dumps(comments[:1]) + json.dumps(comments[1:])
    done, log = run_step(repo, "comment", "--base", "main", GH_COMMENTS=pages)
    assert done.returncode == 0, done.stderr
    _, update = calls(log)
    assert update["args"][:4] == [
        "api",
        "--method",
        "PATCH",
        "repos/owner/project/issues/comments/42",
    ]
    body = json.loads(update["stdin"])["body"]
    assert body.startswith(MARKER + "\n") and "`models/chat.yaml`" in body


def test_no_model_changed_no_comment_and_an_earlier_one_says_so(repo: Path) -> None:
    done, log = run_step(repo, "comment", "--base", "HEAD")
    assert done.returncode == 0 and "no model changed" in done.stdout
    assert len(calls(log)) == 1
    earlier = json.dumps([{"id": 5, "body": MARKER + "\nold"}])
    done, log = run_step(repo, "comment", "--base", "HEAD", GH_COMMENTS=earlier)
    _, update = calls(log)
    assert json.loads(update["stdin"])["body"] == (
        f"{MARKER}\nThis pull request no longer changes any threat model."
    )


def test_a_read_only_token_warns_and_does_not_fail(repo: Path) -> None:
    done, _ = run_step(repo, "comment", "--base", "HEAD", GH_FAIL="1")
    assert done.returncode == 0
    assert "::warning::cannot comment on the pull request: HTTP 403" in done.stdout


def test_an_invalid_model_is_reported_in_the_comment(repo: Path) -> None:
    (repo / "models" / "chat.yaml").write_text(
        "threatmodel: 1\ntitle: x\nflows: [\n", encoding="utf-8"
    )
    done, log = run_step(repo, "comment", "--base", "main")
    assert done.returncode == 0, done.stderr
    body = json.loads(calls(log)[1]["stdin"])["body"]
    expected = (
        "### Threat model: `models/chat.yaml`\n\nNot compared:\n\n```\nmodels/chat.yaml:4:1: "
    )
    assert expected + "error: YAML syntax error" in body


def test_outside_a_pull_request_there_is_no_comment(repo: Path) -> None:
    (repo.parent / "push.json").write_text("{}", encoding="utf-8")
    done, log = run_step(repo, "comment", GITHUB_EVENT_PATH=str(repo.parent / "push.json"))
    assert done.returncode == 0 and calls(log) == []


def test_check_writes_sarif_and_hands_on_the_exit_status(repo: Path) -> None:
    only = {"INPUT_MODELS": "models/chat.yaml"}
    done, _ = run_step(
        repo, "check", INPUT_SARIF="out/threatmodel.sarif", INPUT_FAIL_ON="high", **only
    )
    assert done.returncode == 0, done.stderr
    assert "models/chat.yaml" in done.stdout
    sarif = json.loads((repo / "out" / "threatmodel.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    outputs = (repo.parent / "output").read_text(encoding="utf-8")
    assert outputs == "exit-code=1\n"
    run_step(repo, "check", INPUT_SARIF="", INPUT_FAIL_ON="never", **only)
    assert (repo.parent / "output").read_text(encoding="utf-8").endswith("exit-code=0\n")


def test_check_without_models_fails_the_action(repo: Path) -> None:
    done, _ = run_step(repo, "check", INPUT_MODELS="nothing/**/*.yaml")
    assert "::error::no model file matches 'nothing/**/*.yaml' (input 'models')" in done.stdout
    assert (repo.parent / "output").read_text(encoding="utf-8") == "exit-code=2\n"


def test_an_unknown_base_warns_and_does_not_fail(repo: Path) -> None:
    done, log = run_step(repo, "comment", "--base", "no-such-branch")
    assert done.returncode == 0 and calls(log) == []
    assert "::warning::cannot find the base commit 'no-such-branch'" in done.stdout
