"""Whether a model's constraints can hold: the checks of a model file that need its
settings space (BDDs over the toggles and assumptions), and so cannot live in the loader.

:func:`load_file` and :func:`load_text` are the loader's, followed by these checks: every
command loads models through them.  Their errors are located at the constraint or scenario
concerned, like every other error of a model file.
"""

from __future__ import annotations

from collections.abc import Mapping

from threatmodel.engine.bdd import Function
from threatmodel.engine.space import Mode, make_space
from threatmodel.load import loader
from threatmodel.load.diagnostics import Diagnostic, ModelError
from threatmodel.load.loader import LoadedModel
from threatmodel.load.model import Model
from threatmodel.load.yamlsource import SourceMap


def load_file(path: str) -> LoadedModel:
    """Load a model file and check that its constraints can hold; raise
    :class:`~threatmodel.load.diagnostics.ModelError` listing every problem."""
    return checked(loader.load_file(path))


def load_text(text: str, path: str) -> LoadedModel:
    """:func:`load_file` for model text; ``path`` names it in messages."""
    return checked(loader.load_text(text, path))


def checked(loaded: LoadedModel) -> LoadedModel:
    """``loaded``, unless its constraints exclude every setting, the default setting or a
    scenario."""
    problems = constraint_problems(loaded.model, loaded.source)
    if problems:
        raise ModelError(sorted(problems))
    return loaded


def constraint_problems(model: Model, source: SourceMap) -> list[Diagnostic]:
    """Constraints no setting satisfies; the default setting or a scenario breaking one."""
    if not model.constraints:
        return []
    space = make_space(model, Mode.ALL)
    bdd = space.bdd()
    functions = {cid: space.compile(bdd, c.require) for cid, c in sorted(model.constraints.items())}
    allowed = bdd.true
    for function in functions.values():
        allowed &= function
    if allowed == bdd.false:
        return _unsatisfiable_core(functions, bdd.true, bdd.false, source)
    default = space.default()
    problems = [
        Diagnostic(
            source.locate(("constraints", cid, "require")),
            f"the default setting violates constraint '{cid}' ({space.describe(default)}); "
            "change a toggle's default",
        )
        for cid in space.violated_constraints(default)
    ]
    for scenario_id in sorted(model.scenarios):
        setting = space.scenario(scenario_id)
        problems.extend(
            Diagnostic(
                source.locate(("scenarios", scenario_id), key=True),
                f"scenario '{scenario_id}' violates constraint '{cid}' "
                f"(require: {model.constraints[cid].require.text})",
            )
            for cid in space.violated_constraints(setting)
        )
    return problems


def _unsatisfiable_core(
    functions: Mapping[str, Function], true: Function, false: Function, source: SourceMap
) -> list[Diagnostic]:
    """Report a minimal set of constraints that no setting satisfies together."""
    core = list(functions)
    for candidate in list(core):
        rest = [cid for cid in core if cid != candidate]
        conjunction = true
        for cid in rest:
            conjunction = conjunction & functions[cid]
        if conjunction == false:
            core = rest
    if len(core) == 1:
        message = f"no setting satisfies constraint '{core[0]}'"
        return [Diagnostic(source.locate(("constraints", core[0], "require")), message)]
    names = ", ".join(f"'{cid}'" for cid in core)
    return [
        Diagnostic(
            source.locate(("constraints", cid, "require")),
            f"no setting satisfies constraints {names} together",
        )
        for cid in core
    ]
