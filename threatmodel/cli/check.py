"""``threatmodel check`` and ``threatmodel rules``."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence

import click

from threatmodel.assessment import CheckRun
from threatmodel.checks import CHECKS, EXPECTATION_CHECK, Check
from threatmodel.checks.verdict import DEFAULT_FAIL_ON, FailOn
from threatmodel.cli import completion
from threatmodel.cli.options import (
    EPILOG,
    EXIT_FOUND,
    EXIT_OK,
    assess_loaded,
    assumptions_option,
    emit,
    fail_invalid,
    format_option,
    min_evidence_option,
    output_option,
    print_diagnostics,
)
from threatmodel.cli.paths import distinct_files, refuse_overwriting_inputs
from threatmodel.engine.consistency import load_file
from threatmodel.load.diagnostics import Diagnostic, ModelError, did_you_mean
from threatmodel.load.loader import LoadedModel
from threatmodel.report.check.formats import WRITERS

CHECK_EPILOG = (
    "Exit status: 0 success: the check passed; 1 an expectation is violated or a finding is at "
    "or above --fail-on; 2 bad usage or an invalid model (every model's errors are reported)."
)


def load_all(paths: Sequence[str], *, once: bool = True) -> list[LoadedModel]:
    """Load every model (with ``once``, a file named twice is read once); when any is
    invalid, print every model's errors and exit 2."""
    loaded: list[LoadedModel] = []
    problems: list[Diagnostic] = []
    for path in distinct_files(paths) if once else paths:
        try:
            model = load_file(path)
        except ModelError as exc:
            problems.extend(exc.diagnostics)
            continue
        print_diagnostics(model.warnings)
        loaded.append(model)
    if problems:
        fail_invalid(problems)
    return loaded


@click.command(epilog=CHECK_EPILOG)
@click.argument(
    "models", nargs=-1, required=True, metavar="MODEL...", shell_complete=completion.model_paths
)
@format_option(WRITERS, "Output format; sarif is for code scanning (SARIF 2.1.0).")
@click.option(
    "--fail-on",
    type=click.Choice([level.value for level in FailOn]),
    default=DEFAULT_FAIL_ON.value,
    show_default=True,
    help="Lowest finding severity that fails the check; never: findings never fail. "
    "Violated expectations always fail.",
)
@assumptions_option
@min_evidence_option
@output_option()
def check(
    models: tuple[str, ...],
    output_format: str,
    fail_on: str,
    mode: str,
    min_evidence: str | None,
    output: str | None,
) -> None:
    """Check expectations and built-in findings of each MODEL, CI-style.

    Prints one PATH:LINE:COL line per violated expectation and finding, with its witness
    and the evidence of that witness.  With --min-evidence, only what derivations at that
    tier or stronger show is reported (and can fail the check).
    """
    refuse_overwriting_inputs(output, models)
    loaded = load_all(models)
    text, failed = _check(loaded, output_format, FailOn(fail_on), mode, min_evidence)
    emit(text, output)
    sys.exit(EXIT_FOUND if failed else EXIT_OK)


def _check(
    loaded: list[LoadedModel],
    output_format: str,
    fail_on: FailOn,
    mode: str,
    min_evidence: str | None,
) -> tuple[str, bool]:
    """The output and the verdict; each model's analysis is let go once it is judged, so
    no BDD outlives this call (``sys.exit`` keeps the caller's frame alive, and BDD nodes
    freed after their manager make ``dd`` complain)."""
    run = CheckRun(
        models=tuple(
            assess_loaded(model, mode, (), min_evidence=min_evidence).verdict() for model in loaded
        ),
        fail_on=fail_on,
    )
    return WRITERS[output_format](run), run.failed


def _find_rule(name: str) -> Check:
    every = [*CHECKS.values(), EXPECTATION_CHECK]
    for rule in every:
        if name.upper() == rule.id or name.lower() == rule.name:
            return rule
    hint = did_you_mean(name, [r.id for r in every] + [r.name for r in every])
    raise click.BadParameter(f"unknown rule '{name}'{hint}", param_hint="RULE")


def rule_line(rule: Check) -> str:
    """``TM001  high    disclosure-outside-boundary`` and the summary, wrapped."""
    head = f"{rule.id}  {rule.severity.value:<6}  {rule.name}"
    summary = textwrap.wrap(rule.summary, width=96, initial_indent="    ", subsequent_indent="    ")
    return "\n".join([head, *summary])


@click.command(epilog=EPILOG)
@click.argument("rule", required=False, metavar="[RULE]")
def rules(rule: str | None) -> None:
    """List the built-in finding rules, or show RULE's documentation (an id or a name).

    The severity shown is the highest a rule reports.
    """
    if rule is not None:
        found = _find_rule(rule)
        head = f"{found.id} {found.name} (severity {found.severity.value})"
        click.echo(f"{head}\n\n{textwrap.dedent(found.doc).strip()}")
        return
    lines = [rule_line(r) for r in CHECKS.values()]
    lines.append("")
    lines.append("Violated expectations are reported by check as:")
    lines.append(rule_line(EXPECTATION_CHECK))
    lines.append("")
    lines.append("threatmodel rules RULE shows a rule's documentation and an example.")
    click.echo("\n".join(lines))
