"""The model file format (SPEC section 2) as a frozen pydantic schema.

The JSON Schema published as ``threatmodel.schema.json`` is generated from these classes,
so every field carries the description an editor shows on hover.

Cross-references (a flow's ``from``, a datum's ``origin``, names inside expressions...) are
checked while validating when a :class:`References` object is passed as validation context;
the loader always passes one.  Custom validators report problems as
:class:`TypedProblem` errors that carry a sub-path and an offset, so that the loader can
point at the exact key, list item or character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from threatmodel.load import expr
from threatmodel.load.diagnostics import article, did_you_mean

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
FORMAT_VERSION = 1


# --------------------------------------------------------------------------- enums


class PartyKind(StrEnum):
    """What a party is; decides its shape in diagrams and some findings."""

    PERSON = "person"
    CLIENT = "client"
    DEVICE = "device"
    SERVICE = "service"
    AI_MODEL = "ai_model"
    STORE = "store"
    AUTHORITY = "authority"
    OBSERVER = "observer"
    THIRD_PARTY = "third_party"


class Use(StrEnum):
    """A purpose a party puts the data it holds to."""

    SERVICE = "service"
    STORAGE = "storage"
    TRAINING = "training"
    ADVERTISING = "advertising"
    PERSONALIZATION = "personalization"
    RECOMMENDATION = "recommendation"
    MODERATION = "moderation"
    ANALYTICS = "analytics"
    RESEARCH = "research"
    SECURITY = "security"
    LEGAL = "legal"


class Classification(StrEnum):
    """How sensitive a datum is."""

    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


class Status(StrEnum):
    """How far an assumption is established."""

    CLAIMED = "claimed"
    VERIFIED = "verified"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


class AccessKind(StrEnum):
    """How a party obtains data other than by being sent it."""

    COMPEL = "compel"
    SEIZE = "seize"
    BREACH = "breach"
    SHARE = "share"


class Level(StrEnum):
    """How much of a datum a party gets, in increasing order."""

    NONE = "none"
    CIPHERTEXT = "ciphertext"
    PLAINTEXT = "plaintext"

    @property
    def rank(self) -> int:
        """0 for none, 1 for ciphertext, 2 for plaintext."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.NONE: 0, Level.CIPHERTEXT: 1, Level.PLAINTEXT: 2}


class Assurance(StrEnum):
    """How well a cited source establishes what it says."""

    CLAIM = "claim"
    ADMISSION = "admission"
    OBSERVED = "observed"
    REPORTED = "reported"
    AUDITED = "audited"
    COURT_RECORD = "court_record"
    OFFICIAL_RECORD = "official_record"
    ANALYSIS = "analysis"
    INFERENCE = "inference"


class Evidence(StrEnum):
    """How well the record supports a step or a conclusion, strongest first."""

    ESTABLISHED = "established"
    DOCUMENTED = "documented"
    ANALYSED = "analysed"
    INFERRED = "inferred"
    UNSOURCED = "unsourced"

    @property
    def rank(self) -> int:
        """0 for established down to 4 for unsourced: a larger rank is weaker evidence."""
        return _EVIDENCE_RANK[self]

    @classmethod
    def of_rank(cls, rank: int) -> Evidence:
        """The tier of a rank (see :attr:`rank`)."""
        return _EVIDENCE_BY_RANK[rank]


_EVIDENCE_BY_RANK = tuple(Evidence)
_EVIDENCE_RANK = {tier: rank for rank, tier in enumerate(_EVIDENCE_BY_RANK)}

ASSURANCE_EVIDENCE = {
    Assurance.COURT_RECORD: Evidence.ESTABLISHED,
    Assurance.OFFICIAL_RECORD: Evidence.ESTABLISHED,
    Assurance.AUDITED: Evidence.ESTABLISHED,
    Assurance.OBSERVED: Evidence.ESTABLISHED,
    Assurance.ADMISSION: Evidence.ESTABLISHED,
    Assurance.REPORTED: Evidence.DOCUMENTED,
    Assurance.CLAIM: Evidence.DOCUMENTED,
    Assurance.ANALYSIS: Evidence.ANALYSED,
    Assurance.INFERENCE: Evidence.INFERRED,
}
"""The evidence tier of each source assurance (docs/format.md, "Evidence")."""


# --------------------------------------------------------------------- references


KIND_LABELS = {
    "source": "source",
    "boundary": "boundary",
    "party": "party",
    "toggle": "toggle",
    "assumption": "assumption",
    "constraint": "constraint",
    "data": "datum",
    "key": "key",
    "flow": "flow",
    "access": "access",
    "expectation": "expectation",
    "scenario": "scenario",
}
"""Section name → what one element of it is called in messages."""


@dataclass(frozen=True)
class TypedProblem:
    """One problem found by a custom validator, relative to the value validated."""

    message: str
    subpath: tuple[str | int, ...] = ()
    offset: int | None = None
    on_key: bool = False


def _fail(problems: Iterable[TypedProblem]) -> PydanticCustomError:
    return PydanticCustomError("threatmodel", "invalid value", {"problems": list(problems)})


@dataclass(frozen=True)
class References:
    """Every id of a model file and the section defining it, for reference checks."""

    sections: Mapping[str, str]
    """id → section name (``"party"``, ``"data"``, ...); the first definition wins."""

    @classmethod
    def of(cls, raw: Any) -> References:
        """Collect ids from a raw (unvalidated) model mapping."""
        sections: dict[str, str] = {}
        if isinstance(raw, dict):
            for section, singular in SECTION_KINDS.items():
                elements = raw.get(section)
                if isinstance(elements, dict):
                    for element_id in elements:
                        if isinstance(element_id, str):
                            sections.setdefault(element_id, singular)
        return cls(sections)

    def problem(self, value: str, wanted: tuple[str, ...], what: str) -> str | None:
        """Why ``value`` is not an id of one of the ``wanted`` sections, or ``None``."""
        found = self.sections.get(value)
        if found in wanted:
            return None
        if found is not None:
            return f"'{value}' is {article(KIND_LABELS[found])}, not {article(what)}"
        choices = [name for name, section in self.sections.items() if section in wanted]
        return f"unknown {what} '{value}'{did_you_mean(value, choices)}"


SECTION_KINDS = {
    "sources": "source",
    "boundaries": "boundary",
    "parties": "party",
    "toggles": "toggle",
    "assumptions": "assumption",
    "constraints": "constraint",
    "data": "data",
    "keys": "key",
    "flows": "flow",
    "access": "access",
    "expectations": "expectation",
    "scenarios": "scenario",
}
"""Section name in the file → its kind in :class:`References`."""


def _reference(wanted: tuple[str, ...], what: str) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        references = info.context
        if isinstance(references, References) and references.sections.get(value) not in wanted:
            message = references.problem(value, wanted, what)
            if message is not None:
                raise _fail([TypedProblem(message)])
        return value

    return AfterValidator(check)


def _key_reference(wanted: tuple[str, ...], what: str) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        references = info.context
        if isinstance(references, References) and references.sections.get(value) not in wanted:
            message = references.problem(value, wanted, what)
            if message is not None:
                raise _fail([TypedProblem(message, on_key=True)])
        return value

    return AfterValidator(check)


_IdText = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Id = Annotated[_IdText, Field(description="An id: lowercase letters, digits and '_'.")]
PartyRef = Annotated[_IdText, _reference(("party",), "party")]
BoundaryRef = Annotated[_IdText, _reference(("boundary",), "boundary")]
MemberRef = Annotated[_IdText, _reference(("party", "boundary"), "party or boundary")]
DatumRef = Annotated[_IdText, _reference(("data", "key"), "datum")]
SourceRef = Annotated[_IdText, _reference(("source",), "source")]
ToggleKey = Annotated[_IdText, _key_reference(("toggle",), "toggle")]
AssumptionKey = Annotated[_IdText, _key_reference(("assumption",), "assumption")]


@dataclass(frozen=True)
class _Parsed:
    """Annotation for a field whose value our own function parses from text or a mapping.

    Stands in for pydantic's ``PlainValidator`` + ``PlainSerializer`` + ``WithJsonSchema``,
    which first build a schema for the annotated type only to discard it: for
    :class:`expr.Expression`, a recursive union of dataclasses, 112 times over, 7 ms of
    every start-up.  This one never looks at the annotated type."""

    validate: Callable[[Any, ValidationInfo], Any]
    serialize: Callable[[Any], Any] | None
    """How the value is written back out; ``None`` when it is written as it is."""
    json_schema: dict[str, Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        serialization = None
        if self.serialize is not None:
            serialization = core_schema.plain_serializer_function_ser_schema(self.serialize)
        return core_schema.with_info_plain_validator_function(
            self.validate, serialization=serialization
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(self.json_schema)


# ---------------------------------------------------------------------- expressions


def _validate_expression(value: Any, info: ValidationInfo) -> expr.Expression:
    if isinstance(value, expr.Expression):
        return value
    if not isinstance(value, bool | str):
        raise PydanticCustomError(
            "expression_type", "expected an expression (text) or true/false", {}
        )
    if isinstance(value, bool):
        return expr.TRUE if value else expr.FALSE
    try:
        parsed = expr.parse(value)
    except expr.ExpressionError as exc:
        raise _fail([TypedProblem(exc.message, offset=exc.offset)]) from None
    names = list(parsed.names())
    references = info.context if names else None
    if isinstance(references, References):
        problems = [
            TypedProblem(message, offset=name.offset)
            for name in names
            if (message := _name_problem(references, name.name)) is not None
        ]
        if problems:
            raise _fail(problems)
    return parsed


def _name_problem(references: References, name: str) -> str | None:
    found = references.sections.get(name)
    if found in ("toggle", "assumption"):
        return None
    if found is not None:
        kind = article(KIND_LABELS[found])
        return f"'{name}' is {kind}; expressions may only name toggles and assumptions"
    choices = [n for n, s in references.sections.items() if s in ("toggle", "assumption")]
    return f"unknown toggle or assumption '{name}'{did_you_mean(name, choices)}"


ExpressionField = Annotated[
    expr.Expression,
    _Parsed(
        _validate_expression,
        lambda e: e.text,
        {
            "anyOf": [{"type": "string"}, {"type": "boolean"}],
            "description": "A condition over toggles and assumptions using and, or, not, "
            "parentheses, true and false; or a YAML boolean.",
        },
    ),
]


# ----------------------------------------------------------------------- protection


class ProtectionLevel(StrEnum):
    """What protects a flow on the wire."""

    NONE = "none"
    TRANSPORT = "transport"
    END_TO_END = "end_to_end"


@dataclass(frozen=True)
class Protection:
    """A flow's protection: none, transport, or end-to-end under ``key``."""

    level: ProtectionLevel
    key: str | None = None

    def __str__(self) -> str:
        if self.level is ProtectionLevel.END_TO_END:
            return f"end_to_end {self.key}"
        return self.level.value


_PLAIN_PROTECTIONS = {
    level.value: Protection(level) for level in (ProtectionLevel.NONE, ProtectionLevel.TRANSPORT)
}
"""The protections without a key, made once: most flows have one of them."""
_PROTECTION_HINT = "protection is none, transport or {end_to_end: KEY}"


def _validate_protection(value: Any, info: ValidationInfo) -> Protection:
    if isinstance(value, Protection):
        return value
    if isinstance(value, str):
        plain = _PLAIN_PROTECTIONS.get(value)
        if plain is not None:
            return plain
        suggestion = did_you_mean(value, ["none", "transport", "end_to_end"])
        raise _fail(
            [TypedProblem(f"invalid protection '{value}'{suggestion} ({_PROTECTION_HINT})")]
        )
    if not isinstance(value, dict):
        raise _fail([TypedProblem(f"invalid protection; {_PROTECTION_HINT}")])
    problems = [
        TypedProblem(
            f"unknown field '{name}' in protection{did_you_mean(str(name), ['end_to_end'])}",
            subpath=(name,),
            on_key=True,
        )
        for name in value
        if name != "end_to_end"
    ]
    if "end_to_end" not in value:
        problems.append(TypedProblem(f"missing 'end_to_end: KEY'; {_PROTECTION_HINT}"))
        raise _fail(problems)
    key = value["end_to_end"]
    if not isinstance(key, str):
        problems.append(TypedProblem("end_to_end names a key from 'keys'", subpath=("end_to_end",)))
    else:
        references = info.context
        message = None
        if isinstance(references, References):
            message = references.problem(key, ("key",), "key")
            if message is not None and references.sections.get(key) is not None:
                message += "; end_to_end needs a key from 'keys'"
        if message is not None:
            problems.append(TypedProblem(message, subpath=("end_to_end",)))
    if problems:
        raise _fail(problems)
    assert isinstance(key, str)
    return Protection(ProtectionLevel.END_TO_END, key)


def _serialize_protection(value: Protection) -> Any:
    if value.level is ProtectionLevel.END_TO_END:
        return {"end_to_end": value.key}
    return value.level.value


ProtectionField = Annotated[
    Protection,
    _Parsed(
        _validate_protection,
        _serialize_protection,
        {
            "anyOf": [
                {"enum": ["none", "transport"]},
                {
                    "type": "object",
                    "properties": {
                        "end_to_end": {
                            "type": "string",
                            "pattern": ID_PATTERN,
                            "description": "The key that seals the data end to end.",
                        }
                    },
                    "required": ["end_to_end"],
                    "additionalProperties": False,
                },
            ],
            "description": "none (plaintext on the wire), transport (hop-by-hop, e.g. TLS: "
            "the receiver reads it) or {end_to_end: KEY} (only holders of KEY read it).",
        },
    ),
]


# ------------------------------------------------------------------------- elements


def _empty_list() -> list[Any]:
    """``[]``, as the default factory of list fields.

    Pydantic reads each factory's signature; for the built-in ``list`` that means parsing
    its text signature, about 0.3 ms for each of 19 fields at every start-up, against
    microseconds for a function of our own."""
    return []


class _Strict(BaseModel):
    """Base of every class of the format: unknown fields are errors, values are frozen.

    The element classes build their validators only when first used on their own
    (``defer_build``); a model file is validated by :class:`Model`'s validator, which
    contains them all, so that building each of them as well cost every start-up 7 ms."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False, defer_build=True)


class Element(_Strict):
    """Fields every element may have."""

    title: str | None = Field(None, description="Human-readable name; defaults to the id.")
    description: str | None = Field(None, description="Free text.")
    source: list[SourceRef] = Field(
        default_factory=_empty_list, description="Ids of the sources this element rests on."
    )


class Graded(Element):
    """An element that a derivation step uses, so that its evidence grades conclusions."""

    evidence: Evidence | None = Field(
        None,
        description="Evidence tier of this element, for steps that need no source (a user "
        "typing into their own app); default: the strongest tier among its sources, or "
        "unsourced without any.",
    )


class Source(_Strict):
    """A citation that elements point to with ``source: [id]``."""

    title: str = Field(description="Title of the cited document.")
    url: str | None = Field(None, description="Where to read it.")
    date: str | None = Field(None, description="Publication or announcement date.")
    assurance: Assurance | None = Field(
        None, description="How well the source establishes what it says."
    )
    description: str | None = Field(None, description="What the source says, in brief.")
    evidence: Evidence | None = Field(
        None,
        description="Evidence tier of what the source supports, overriding the tier of its "
        "assurance: established, documented, analysed, inferred or unsourced.",
    )

    def tier(self) -> Evidence:
        """``evidence`` if given, else the tier of ``assurance``; a source without either
        documents what it says."""
        if self.evidence is not None:
            return self.evidence
        if self.assurance is None:
            return Evidence.DOCUMENTED
        return ASSURANCE_EVIDENCE[self.assurance]


class Boundary(Element):
    """A trust boundary: an organisation, a device, a jurisdiction."""

    parent: BoundaryRef | None = Field(None, description="Enclosing boundary, if any.")


class Party(Graded):
    """A principal that can hold data: a person, an app, a server, a store, an authority."""

    kind: PartyKind = Field(description="What the party is.")
    boundary: BoundaryRef | None = Field(None, description="Trust boundary it sits in.")
    uses: list[Use] = Field(
        default_factory=_empty_list,
        description="Purposes it puts data to (training, advertising...).",
    )
    retains: ExpressionField = Field(
        default=True,
        validate_default=True,
        description="Settings in which it keeps what it receives, so that an access to it "
        "yields that data; default true.",
    )


class Toggle(Element):
    """A user- or platform-visible boolean switch."""

    default: StrictBool = Field(False, description="Value in the default setting.")
    deletes: list[DatumRef] = Field(
        default_factory=_empty_list, description="Data this toggle is meant to delete."
    )


class Assumption(Element):
    """A claim whose truth the modeller cannot check."""

    status: Status = Field(description="claimed, verified, refuted or unknown.")


class Constraint(Element):
    """A condition every allowed setting satisfies."""

    require: ExpressionField = Field(description="Must hold in every allowed setting.")


class Datum(Graded):
    """A piece of data that parties may read."""

    origin: list[PartyRef] = Field(
        default_factory=_empty_list, description="Parties that have it to begin with."
    )
    derived_from: list[DatumRef] = Field(
        default_factory=_empty_list,
        description="Inputs: an origin has the datum only when it reads every input.",
    )
    classification: Classification = Field(
        Classification.PERSONAL, description="public, internal, personal or sensitive."
    )


class Key(Graded):
    """A cryptographic key; keys are data too: they can flow, be compelled, be seized."""

    holders: list[PartyRef] = Field(
        default_factory=_empty_list, description="Parties that hold the key to begin with."
    )
    classification: Classification = Field(
        Classification.INTERNAL, description="public, internal, personal or sensitive."
    )


class Flow(Graded):
    """Data sent from one party to another."""

    from_: PartyRef = Field(alias="from", description="Sending party.")
    to: PartyRef = Field(description="Receiving party.")
    data: list[DatumRef] = Field(min_length=1, description="Data carried.")
    protection: ProtectionField = Field(default="none", validate_default=True)
    when: ExpressionField = Field(
        default=True, validate_default=True, description="Settings in which it happens."
    )
    observers: list[PartyRef] = Field(
        default_factory=_empty_list, description="Parties that see its wire form."
    )


class Access(Graded):
    """A way of obtaining data other than being sent it: compelled, seized, breached, shared."""

    party: PartyRef = Field(description="Party that obtains the data.")
    from_: PartyRef = Field(alias="from", description="Party the data is obtained from.")
    kind: AccessKind = Field(description="compel, seize, breach or share.")
    when: ExpressionField = Field(
        default=True, validate_default=True, description="Settings in which it happens."
    )
    data: list[DatumRef] | None = Field(
        None, description="Data in scope; default everything 'from' holds."
    )


class Expectation(Element):
    """What the model's author asserts must hold."""

    party: PartyRef | None = Field(None, description="The party constrained.")
    boundary: BoundaryRef | None = Field(
        None, description="Every party inside this boundary is constrained."
    )
    coalition: list[MemberRef] | None = Field(
        None,
        min_length=1,
        description="Parties (and every party inside these boundaries) that pool what they "
        "hold: constrained together, as one reader.",
    )
    data: DatumRef = Field(description="The datum constrained.")
    allow: Level = Field(Level.NONE, description="Most the parties may get.")
    when: ExpressionField = Field(
        default=True, validate_default=True, description="Settings in which it must hold."
    )

    @model_validator(mode="after")
    def _one_subject(self) -> Expectation:
        subjects = (self.party, self.boundary, self.coalition)
        if sum(subject is not None for subject in subjects) != 1:
            message = "an expectation names exactly one of 'party', 'boundary' or 'coalition'"
            raise _fail([TypedProblem(message, on_key=True)])
        return self


class Scenario(Element):
    """A named setting for reports and diagrams."""

    set: dict[ToggleKey, StrictBool] = Field(
        default_factory=dict, description="Toggle values; unnamed toggles take their default."
    )
    assume: dict[AssumptionKey, StrictBool] = Field(
        default_factory=dict, description="Values of claimed or unknown assumptions."
    )


def _validate_version(value: Any, _info: ValidationInfo) -> int:
    if value in (1, "1"):
        return FORMAT_VERSION
    shown = "true" if value is True else "false" if value is False else value
    if isinstance(value, dict | list) or value is None:
        raise _fail([TypedProblem("threatmodel is the format version; write threatmodel: 1")])
    raise _fail(
        [TypedProblem(f"unsupported format version '{shown}'; this tool reads threatmodel: 1")]
    )


Version = Annotated[
    Literal[1],
    _Parsed(_validate_version, None, {"const": 1, "description": "Format version; always 1."}),
]


class Model(_Strict):
    """A threat model: parties, data, keys, flows, access, toggles and expectations."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="threatmodel model file",
        defer_build=False,
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    threatmodel: Version = Field(description="Format version; write threatmodel: 1.")
    title: str = Field(description="What the model describes.")
    description: str | None = Field(None, description="Free text.")
    sources: dict[Id, Source] = Field(default_factory=dict, description="Citations.")
    boundaries: dict[Id, Boundary] = Field(default_factory=dict, description="Trust boundaries.")
    parties: dict[Id, Party] = Field(default_factory=dict, description="Parties.")
    toggles: dict[Id, Toggle] = Field(default_factory=dict, description="Boolean switches.")
    assumptions: dict[Id, Assumption] = Field(
        default_factory=dict, description="Claims that may or may not hold."
    )
    constraints: dict[Id, Constraint] = Field(
        default_factory=dict, description="Conditions every allowed setting satisfies."
    )
    data: dict[Id, Datum] = Field(default_factory=dict, description="Data.")
    keys: dict[Id, Key] = Field(default_factory=dict, description="Cryptographic keys.")
    flows: dict[Id, Flow] = Field(default_factory=dict, description="Data flows.")
    access: dict[Id, Access] = Field(
        default_factory=dict, description="Legal, physical or contractual access."
    )
    expectations: dict[Id, Expectation] = Field(
        default_factory=dict, description="Assertions checked in every setting."
    )
    scenarios: dict[Id, Scenario] = Field(default_factory=dict, description="Named settings.")

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        """A section written with nothing under it (``access:``) is an empty section."""
        if isinstance(data, dict) and any(
            data.get(section, {}) is None for section in SECTION_KINDS
        ):
            return {
                key: ({} if value is None and key in SECTION_KINDS else value)
                for key, value in data.items()
            }
        return data

    def datum_ids(self) -> list[str]:
        """Ids of every datum, keys included, sorted."""
        return sorted([*self.data, *self.keys])

    def label(self, element_id: str) -> str:
        """The title of an element, or its id when it has none."""
        for section in (
            self.parties,
            self.data,
            self.keys,
            self.boundaries,
            self.toggles,
            self.assumptions,
            self.flows,
            self.access,
            self.scenarios,
            self.constraints,
            self.expectations,
        ):
            element = section.get(element_id)
            if element is not None:
                return element.title or element_id
        return element_id
