"""Settings (SPEC section 3): which values the toggles and assumptions can take.

A *setting* gives every free variable a value.  The free variables are the toggles and, in
mode ``all``, the claimed and unknown assumptions; verified assumptions are always true,
refuted ones always false, and in modes ``optimistic``/``pessimistic`` the free assumptions
are constants too.  ``--set NAME=VALUE`` pins a variable (or overrides a constant
assumption) so that only the agreeing settings are analysed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from threatmodel.engine.bdd import Bdd, Function
from threatmodel.engine.lazy import Mapped
from threatmodel.engine.ordering import bdd_order
from threatmodel.load.diagnostics import did_you_mean
from threatmodel.load.expr import Expression
from threatmodel.load.model import Model, Status

Setting = dict[str, bool]
"""Values of the free variables, keyed by name."""

TRUE_WORDS = {"true": True, "on": True, "1": True, "false": False, "off": False, "0": False}


class Mode(StrEnum):
    """How claimed and unknown assumptions are treated."""

    ALL = "all"
    OPTIMISTIC = "optimistic"
    PESSIMISTIC = "pessimistic"


class SettingsError(ValueError):
    """A ``--set`` or scenario that cannot be honoured."""


def parse_assignment(text: str) -> tuple[str, bool]:
    """Parse ``NAME=VALUE`` with VALUE one of true/false/on/off/1/0."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip().lower()
    if not sep or not name:
        raise SettingsError(f"expected NAME=VALUE, got '{text}'")
    if value not in TRUE_WORDS:
        raise SettingsError(
            f"invalid value '{value}' for {name}; expected true, false, on, off, 1 or 0"
        )
    return name, TRUE_WORDS[value]


@dataclass(frozen=True)
class Space:
    """The settings of one model under one assumption mode and set of ``--set`` pins."""

    model: Model
    mode: Mode
    variables: tuple[str, ...]
    """Free variables, sorted by name."""
    order: tuple[str, ...]
    """The free variables in the order BDDs are built in: see :func:`bdd_order`."""
    constants: Mapping[str, bool]
    """Values of the toggles and assumptions that are not free."""
    pinned: Mapping[str, bool]
    """``--set`` values of free variables."""

    def environment(self, setting: Mapping[str, bool]) -> dict[str, bool]:
        """Every toggle's and assumption's value in ``setting``."""
        return {**self.constants, **setting}

    def is_allowed(self, setting: Mapping[str, bool]) -> bool:
        """Whether ``setting`` agrees with the pins and satisfies every constraint."""
        if any(setting[name] != value for name, value in self.pinned.items()):
            return False
        environment = self.environment(setting)
        return all(c.require.evaluate(environment) for c in self.model.constraints.values())

    def violated_constraints(self, setting: Mapping[str, bool]) -> list[str]:
        """Ids of the constraints ``setting`` violates, sorted."""
        environment = self.environment(setting)
        return sorted(
            cid for cid, c in self.model.constraints.items() if not c.require.evaluate(environment)
        )

    def default(self) -> Setting:
        """The default setting: toggle defaults, free assumptions true, pins applied."""
        values = {
            name: (self.model.toggles[name].default if name in self.model.toggles else True)
            for name in self.variables
        }
        values.update(self.pinned)
        return values

    def scenario(self, scenario_id: str) -> Setting:
        """The setting a named scenario describes, with the pins applied."""
        scenario = self.model.scenarios[scenario_id]
        values = self.default()
        for name, value in (*scenario.set.items(), *scenario.assume.items()):
            if name in values:
                values[name] = value
        values.update(self.pinned)
        return values

    def key(self, setting: Mapping[str, bool]) -> tuple[bool, ...]:
        """Sort key giving ``itertools.product([False, True], ...)`` order."""
        return tuple(setting[name] for name in self.variables)

    def describe(self, setting: Mapping[str, bool]) -> str:
        """``e2ee=true, ai_chat=false`` for the variables, in order."""
        return ", ".join(f"{name}={str(setting[name]).lower()}" for name in self.variables)

    # ---------------------------------------------------------------- symbolic side

    def bdd(self, backend: str | None = None) -> Bdd:
        """A fresh manager with this space's variables declared, in :attr:`order`."""
        return Bdd(self.order, backend)

    def allowed(self, bdd: Bdd) -> Function:
        """The allowed settings as a function: constraints and pins."""
        result = bdd.cube(self.pinned)
        for constraint in self.model.constraints.values():
            result &= bdd.compile(constraint.require.root, self.constants)
        return result

    def compile(self, bdd: Bdd, expression: Expression) -> Function:
        """An expression of the model as a function over this space's variables."""
        return bdd.compile(expression.root, self.constants)

    def enumerate(self, bdd: Bdd, allowed: Function, limit: int) -> Mapped[int, Setting] | None:
        """Every allowed setting in product order, or ``None`` when there are more than
        ``limit``.

        Each setting is kept as an integer, the first variable its highest bit, so that
        sorted integers are in product order, and made into a dictionary when read:
        ``--max-settings`` lets a user list a million settings, which as dictionaries of
        twenty variables would hold more than a gigabyte before the first was written."""
        if bdd.count(allowed, self.variables) > limit:
            return None
        width = len(self.variables)
        packed = [
            sum(1 << (width - 1 - i) for i, name in enumerate(self.variables) if setting[name])
            for setting in bdd.assignments(allowed, self.variables)
        ]
        packed.sort()
        return Mapped(self._unpack, packed)

    def _unpack(self, bits: int) -> Setting:
        """The setting an integer of :meth:`enumerate` stands for."""
        last = len(self.variables) - 1
        return {name: bool(bits >> (last - i) & 1) for i, name in enumerate(self.variables)}


def make_space(
    model: Model, mode: Mode = Mode.ALL, overrides: Mapping[str, bool] | None = None
) -> Space:
    """Build the settings space; raise :class:`SettingsError` for a bad ``--set``."""
    overrides = dict(overrides or {})
    free_assumptions = sorted(
        name
        for name, assumption in model.assumptions.items()
        if assumption.status in (Status.CLAIMED, Status.UNKNOWN)
    )
    constants: dict[str, bool] = {}
    for name, assumption in model.assumptions.items():
        if assumption.status is Status.VERIFIED:
            constants[name] = True
        elif assumption.status is Status.REFUTED:
            constants[name] = False
        elif mode is not Mode.ALL:
            constants[name] = mode is Mode.OPTIMISTIC
    variables = sorted([*model.toggles, *(a for a in free_assumptions if a not in constants)])
    pinned: dict[str, bool] = {}
    for name, value in sorted(overrides.items()):
        if name in variables:
            pinned[name] = value
        elif name in model.assumptions and model.assumptions[name].status in (
            Status.VERIFIED,
            Status.REFUTED,
        ):
            status = model.assumptions[name].status
            if constants[name] != value:
                raise SettingsError(
                    f"assumption '{name}' is {status.value}, so always "
                    f"{str(constants[name]).lower()}; it cannot be set to {str(value).lower()}"
                )
        elif name in model.assumptions:
            constants[name] = value
        else:
            names: Iterable[str] = [*model.toggles, *model.assumptions]
            raise SettingsError(f"unknown toggle or assumption '{name}'{did_you_mean(name, names)}")
    return Space(
        model=model,
        mode=mode,
        variables=tuple(variables),
        order=bdd_order(model, variables),
        constants=constants,
        pinned=pinned,
    )
