"""Shell completion (``_THREATMODEL_COMPLETE``): model paths, and parties, data, scenarios
and ``--set`` variables of the model already on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from threatmodel.cli import cli

EXAMPLE = "models/assistant_messenger.yaml"


def complete(*words: str) -> list[str]:
    """What the shell is offered for the last word of ``threatmodel WORDS...``."""
    completion = ShellComplete(cli, {}, "threatmodel", "_THREATMODEL_COMPLETE")
    return [item.value for item in completion.get_completions(list(words[:-1]), words[-1])]


def test_model_paths() -> None:
    assert complete("analyze", "models/inst") == ["models/instagram_ai.yaml"]
    assert complete("diff", EXAMPLE, "models/e") == ["models/e2ee_messenger.yaml"]
    shipped = sorted(path.as_posix() for path in Path("models").glob("*.yaml"))
    assert complete("check", "models/") == shipped


def test_a_prefix_of_no_model_falls_back_to_the_shells_file_completion() -> None:
    completion = ShellComplete(cli, {}, "threatmodel", "_THREATMODEL_COMPLETE")
    [item] = completion.get_completions(["validate"], "mod")
    assert (item.value, item.type) == ("mod", "file")


def test_parties_data_and_scenarios_of_the_model_on_the_command_line() -> None:
    assert complete("explain", EXAMPLE, "--party", "s") == ["servers"]
    assert complete("explain", EXAMPLE, "--party", "servers", "--data", "") == [
        "ai_prompt",
        "ai_reply",
        "chat_key",
        "dm_text",
    ]
    assert complete("render", EXAMPLE, "--scenario", "def") == ["default", "defaults"]
    assert complete("render", EXAMPLE, "--diff", "defaults", "p") == ["private_chat"]
    assert complete("render", EXAMPLE, "--highlight", "dm") == ["dm_text"]


def test_toggles_and_assumptions_for_set() -> None:
    assert complete("analyze", EXAMPLE, "--set", "e2") == ["e2ee=true", "e2ee=false"]
    assert complete("render", EXAMPLE, "--set", "ai_chat=f") == ["ai_chat=false"]


def test_options_before_the_model_are_completed_once_it_is_given() -> None:
    assert complete("explain", "--data", "dm_text", EXAMPLE, "--party", "ap") == ["app"]


def test_no_model_or_an_invalid_one_completes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("threatmodel: 1\nparties: [\n", encoding="utf-8")
    assert complete("explain", "--party", "") == []
    assert complete("explain", str(broken), "--party", "") == []
    assert complete("explain", str(tmp_path / "missing.yaml"), "--party", "") == []


def test_titles_are_shown_on_one_line(tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(
        'threatmodel: 1\ntitle: T\nparties:\n  user: {title: "two\\nlines", kind: person}\n',
        encoding="utf-8",
    )
    completion = ShellComplete(cli, {}, "threatmodel", "_THREATMODEL_COMPLETE")
    [item] = completion.get_completions(["explain", str(model), "--party"], "")
    assert (item.value, item.help) == ("user", "two lines")


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef threatmodel"), ("fish", "complete")],
)
def test_the_environment_variable_prints_each_shells_script(shell: str, marker: str) -> None:
    result = CliRunner().invoke(
        cli, [], prog_name="threatmodel", env={"_THREATMODEL_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0
    assert marker in result.stdout and "_THREATMODEL_COMPLETE" in result.stdout


def test_the_shell_protocol_end_to_end() -> None:
    env = {
        "_THREATMODEL_COMPLETE": "bash_complete",
        "COMP_WORDS": f"threatmodel explain {EXAMPLE} --party us",
        "COMP_CWORD": "4",
    }
    result = CliRunner().invoke(cli, [], prog_name="threatmodel", env=env)
    assert (result.exit_code, result.stdout) == (0, "plain,user\n")
