"""A protection that users can only have by giving up a feature.

TM006 holds for a toggle T when flipping it from its default value (as in the toggle impact
table) lowers some party's level for some datum, but the constraints then force another
toggle to change too: turning E2EE on hides messages from the provider but switches the AI
assistant off.  The condition is the settings with T at its flipped value.

One finding per toggle.  Severity: low — the model is consistent, but users face a choice
between privacy and a feature.  Elements: T, the toggles it forces, the constraints that
force them.  Witness: the constraints broken, the toggles forced, the exposures removed.

Example::

    threatmodel: 1
    title: Encryption or the assistant
    parties:
      user: {kind: person}
      server: {kind: service}
    toggles:
      e2ee: {default: false}
      assistant: {default: true}
    constraints:
      no_assistant_in_e2ee: {require: not (e2ee and assistant)}
    data:
      message: {origin: [user]}
    flows:
      upload: {from: user, to: server, data: [message], when: not e2ee}

reports::

    TM006 low: turning e2ee on reduces exposure but forces assistant off (when e2ee)
"""

from __future__ import annotations

from threatmodel.checks.builder import Witness, and_list, element_ref, make_finding
from threatmodel.checks.check import Check
from threatmodel.checks.finding import ElementRef, Finding, FindingSeverity
from threatmodel.engine.exposure import Analysis, change_texts

ID = "TM006"
NAME = "protection-tradeoff"


def _turning(value: bool) -> str:
    return "on" if value else "off"


def check(analysis: Analysis) -> list[Finding]:
    """Every toggle whose protective flip forces another toggle to change."""
    model = analysis.model
    space = analysis.space
    bdd = analysis.conditions.bdd
    findings = []
    for impact in analysis.impacts:
        forced = {k: v for k, v in sorted(impact.forced.items()) if k in model.toggles}
        if (
            impact.variable not in model.toggles
            or impact.setting is None
            or not impact.removes
            or not forced
        ):
            continue
        flipped = {**analysis.default.setting, impact.variable: impact.value}
        broken = space.violated_constraints(flipped)
        phrases: list[str] = []
        elements: list[ElementRef | None] = []
        for constraint in broken:
            require = model.constraints[constraint].require.text
            phrases.append(
                f"turning {impact.variable} {_turning(impact.value)} breaks constraint "
                f"{constraint} ({require})"
            )
            elements.append(element_ref(analysis, "constraints", constraint))
        for name, value in forced.items():
            phrases.append(f"so {name} is forced {_turning(value)}")
            elements.append(element_ref(analysis, "toggles", name))
        for text in change_texts(impact.removes):
            phrases.append(f"removes {text}")
            elements.append(None)
        witness = Witness(
            setting=dict(impact.setting),
            steps=(),
            phrases=tuple(phrases),
            lines=tuple(phrases),
            elements=tuple(elements),
        )
        lost = and_list(f"{name} {_turning(value)}" for name, value in forced.items())
        findings.append(
            make_finding(
                analysis,
                rule=ID,
                name=NAME,
                severity=FindingSeverity.LOW,
                message=f"turning {impact.variable} {_turning(impact.value)} reduces exposure "
                f"but forces {lost}",
                function=bdd.literal(impact.variable, impact.value),
                elements=[
                    element_ref(analysis, "toggles", impact.variable),
                    *(element_ref(analysis, "toggles", name) for name in forced),
                    *(element_ref(analysis, "constraints", c) for c in broken),
                ],
                witness=witness,
                about=[impact.variable],
            )
        )
    return findings


CHECK = Check(
    id=ID,
    name=NAME,
    severity=FindingSeverity.LOW,
    summary="Turning a toggle on (or off) removes some exposure but a constraint then forces "
    "another toggle to change.",
    doc=__doc__ or "",
    check=check,
    tags=("security", "privacy", "linddun-unawareness"),
)
