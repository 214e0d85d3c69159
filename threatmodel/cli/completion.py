"""Shell completion: model paths, and the ids of the model named on the command line.

Click answers the shell when ``_THREATMODEL_COMPLETE`` is set (see the README for bash, zsh
and fish); these functions are the ``shell_complete`` callbacks of the arguments and options
that name model files, parties, data, scenarios and ``--set`` variables.  Ids come from the
model already on the command line (its ``MODEL`` argument); a model that is missing or does
not load completes nothing, silently: completion never prints an error.  Titles, shown by
zsh and fish beside the ids, are put on one line, since a line break would end the item.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

from threatmodel.load.diagnostics import ModelError, visible

if TYPE_CHECKING:  # loaded when completing: every command imports this module
    from threatmodel.load.model import Model

MODEL_SUFFIXES = (".yaml", ".yml")


def model_paths(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Model files (``.yaml``, ``.yml``) starting with ``incomplete``; when none does, the
    shell's own file completion (to walk into directories)."""
    folder, _, prefix = incomplete.rpartition("/")
    directory = Path(folder + "/" if folder or incomplete.startswith("/") else ".")
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        names = []
    found = [
        CompletionItem(f"{folder}/{name}" if folder or incomplete.startswith("/") else name)
        for name in names
        if name.startswith(prefix)
        and name.endswith(MODEL_SUFFIXES)
        and (prefix.startswith(".") or not name.startswith("."))
        and (directory / name).is_file()
    ]
    return found or [CompletionItem(incomplete, type="file")]


def _model(ctx: click.Context) -> Model | None:
    """The model named by the command's ``MODEL`` argument, if it loads.

    While the shell asks for an option's value, click has parsed the command line only up
    to that option, which leaves the arguments seen so far unassigned in ``ctx.args``:
    ``MODEL`` is then the first of them (it is the only argument of the commands that
    complete ids)."""
    path = ctx.params.get("model") or next(iter(ctx.args), None)
    if not isinstance(path, str):
        return None
    from threatmodel.load.loader import load_file

    try:
        return load_file(path).model
    except (ModelError, OSError, ValueError):
        return None


def _items(entries: dict[str, str], incomplete: str) -> list[CompletionItem]:
    """Ids starting with ``incomplete``, each with its title as help."""
    return [
        CompletionItem(name, help=_one_line(title))
        for name, title in sorted(entries.items())
        if name.startswith(incomplete)
    ]


def parties(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The model's parties."""
    model = _model(ctx)
    if model is None:
        return []
    return _items({p: model.label(p) for p in model.parties}, incomplete)


def data(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The model's data and keys."""
    model = _model(ctx)
    if model is None:
        return []
    return _items({d: model.label(d) for d in [*model.data, *model.keys]}, incomplete)


def scenarios(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The model's scenarios, and ``default``."""
    model = _model(ctx)
    if model is None:
        return []
    entries = {s: model.scenarios[s].title or s for s in model.scenarios}
    entries.setdefault("default", "the default setting")
    return _items(entries, incomplete)


def assignments(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """``NAME=true`` and ``NAME=false`` for the model's toggles and assumptions."""
    model = _model(ctx)
    if model is None:
        return []
    titles = {t: model.label(t) for t in [*model.toggles, *model.assumptions]}
    return [
        CompletionItem(f"{name}={value}", help=_one_line(title))
        for name, title in sorted(titles.items())
        for value in ("true", "false")
        if f"{name}={value}".startswith(incomplete)
    ]


def _one_line(title: str) -> str:
    """A title on one line, with control characters escaped (a line break would end the
    item; escapes keep a title from acting on the terminal)."""
    return visible(" ".join(title.split()))
