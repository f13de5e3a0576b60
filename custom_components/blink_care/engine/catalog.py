"""Sourced care procedures for every Blink model, looked up by API product code or by name.

The content lives in ``catalog_data`` as plain data; this module freezes it into typed objects
once, at import time, so a lookup is a dictionary access and never blocks the event loop.
Lookups never raise: a product code the catalog does not know gets a generic entry for its
kind of device, because a user with a new model still needs steps.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from custom_components.blink_care.client.models import DeviceKind, PowerSource

from .catalog_data import (
    AMBIGUOUS_NAMES,
    BLINK_SUPPORT_HOME,
    DEFAULT_OFF_SECONDS,
    GENERIC_MODELS,
    MODELS,
    SEARCH_WORDS,
    UNKNOWN_CODE,
    ModelText,
    ProcedureText,
    Quote,
    StepKind,
    StepText,
)

__all__ = [
    "BLINK_SUPPORT_HOME",
    "DEFAULT_OFF_SECONDS",
    "ModelEntry",
    "Procedure",
    "ProcedureName",
    "Quote",
    "Step",
    "StepKind",
    "all_models",
    "battery_description",
    "find_model",
    "find_models",
    "model_for",
]


class ProcedureName(StrEnum):
    """The procedures and symptom guides a model can offer."""

    OPEN_COVER = "open_cover"
    BATTERY_CHANGE = "battery_change"
    POWER_CYCLE = "power_cycle"
    SOFT_RESET = "soft_reset"
    FACTORY_RESET = "factory_reset"
    REMOVE_FROM_ACCOUNT = "remove_from_account"
    SYNC_MODULE_RESET = "sync_module_reset"
    FLASHING_RED = "flashing_red"
    OFFLINE = "offline"
    ADD_AGAIN = "add_again"
    FIRMWARE_CHECK = "firmware_check"
    LOCAL_STORAGE = "local_storage"
    ACCESSORY_BATTERIES = "accessory_batteries"


@dataclass(frozen=True, slots=True)
class Step:
    """One step as the user sees it, its kind, and the source sentences it paraphrases."""

    text: str
    kind: StepKind
    # Short quotes of the source text this step is written from; never shown to users.
    quotes: tuple[Quote, ...] = ()
    # True when the step is the catalog's own wording, not taken from any source.
    own_wording: bool = False


@dataclass(frozen=True, slots=True)
class Procedure:
    """Ordered steps for one task on one model, with where they come from."""

    name: ProcedureName
    title: str
    typed_steps: tuple[Step, ...]
    tools: tuple[str, ...]
    warnings: tuple[str, ...]
    estimated_minutes: int
    source_url: str
    # True only when the steps follow Blink's own support text for this model.
    official: bool
    # Caveats, including every disagreement between sources ("Contradiction X: ...").
    notes: tuple[str, ...]
    # How long a power cycle keeps the device off; None for every other procedure.
    off_seconds: int | None = None
    # The model whose steps these are, when Blink publishes none for this one.
    borrowed_from: str | None = None
    # What to search for on Blink's support site when the link is its home page.
    search_words: str | None = None

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps' sentences, in order, as the user reads them."""
        return tuple(step.text for step in self.typed_steps)


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """One Blink model: what powers it and the procedures that apply to it."""

    key: str
    codes: tuple[str, ...]
    name: str
    kind: DeviceKind
    power: PowerSource
    battery_count: int
    battery_type: str | None
    battery_life_claim: str | None
    tools: tuple[str, ...]
    support_url: str
    procedures: Mapping[ProcedureName, Procedure]
    generic: bool = False
    # False when no source gives this model's cells: battery_type is assumed, not known.
    battery_confirmed: bool = True


def _step(text: StepText) -> Step:
    return Step(
        text=text["text"],
        kind=text["kind"],
        quotes=text["quotes"],
        own_wording=text["own_wording"],
    )


def _procedure(
    name: str, text: ProcedureText, model_notes: tuple[str, ...], search_name: str
) -> Procedure:
    """Freeze one procedure; a misspelt name in the data fails here, at import.

    A procedure Blink has no page for links the support home, with the words to search for.
    """
    home = text["source_url"] == BLINK_SUPPORT_HOME
    return Procedure(
        name=ProcedureName(name),
        title=text["title"],
        typed_steps=tuple(_step(step) for step in text["steps"]),
        tools=text["tools"],
        warnings=text["warnings"],
        estimated_minutes=text["minutes"],
        source_url=text["source_url"],
        official=text["official"],
        notes=(*text["notes"], *model_notes),
        off_seconds=text.get("off_seconds"),
        borrowed_from=text.get("borrowed_from"),
        search_words=f"{search_name} {SEARCH_WORDS[name]}" if home else None,
    )


def _entry(text: ModelText, *, generic: bool = False) -> ModelEntry:
    """Freeze one model; its tools are everything any of its procedures needs, in order."""
    # A generic entry's name holds the unknown code; its search uses the kind's words only.
    search_name = text["name"].split(" (")[0] if generic else f"Blink {text['name']}"
    procedures = {
        ProcedureName(name): _procedure(name, procedure, text["model_notes"], search_name)
        for name, procedure in text["procedures"].items()
    }
    tools = tuple(
        dict.fromkeys(tool for procedure in procedures.values() for tool in procedure.tools)
    )
    return ModelEntry(
        key=text["key"],
        codes=text["codes"],
        name=text["name"],
        kind=text["kind"],
        power=text["power"],
        battery_count=text["battery_count"],
        battery_type=text["battery_type"],
        battery_life_claim=text["battery_life_claim"],
        tools=tools,
        support_url=text["support_url"],
        procedures=MappingProxyType(procedures),
        generic=generic,
        battery_confirmed=text["battery_confirmed"],
    )


def _normalise(text: str) -> str:
    """Compare names the way people type them: any case, spacing, with or without "Blink"."""
    words = text.casefold().split()
    if words[:1] == ["blink"]:
        words = words[1:]
    return " ".join(words)


_MODELS = tuple(_entry(text) for text in MODELS)
_GENERIC = {kind: _entry(text, generic=True) for kind, text in GENERIC_MODELS.items()}
_BY_CODE = {code.casefold(): entry for entry in _MODELS for code in entry.codes}
_BY_NAME = {
    _normalise(name): entry
    for entry, text in zip(_MODELS, MODELS, strict=True)
    for name in (entry.name, entry.key, *text["aliases"])
}
_BY_KEY = {entry.key: entry for entry in _MODELS}
_AMBIGUOUS = {
    _normalise(word): tuple(_BY_KEY[key] for key in keys) for word, keys in AMBIGUOUS_NAMES.items()
}


def model_for(
    product_code: str | None, subtype: str | None = None, kind: DeviceKind | None = None
) -> ModelEntry:
    """The entry for a device as the API describes it; never raises.

    A known subtype (e.g. a Sync Module's ``vinnie``) wins over the type code; an unknown code
    gets the generic entry for ``kind`` (a camera when the kind is unknown too), named after
    the code so the user can still tell which device it is.
    """
    for code in (subtype, product_code):
        if code and (entry := _BY_CODE.get(code.strip().casefold())) is not None:
            return entry
    fallback = _GENERIC[kind or DeviceKind.CAMERA]
    shown_code = (product_code or "").strip() or UNKNOWN_CODE
    return replace(fallback, name=fallback.name.format(code=shown_code))


def find_models(text: str) -> tuple[ModelEntry, ...]:
    """Every model the text can mean, so a word used for several models is never guessed.

    One model for a code, key, name or alias; several for a word such as "Indoor"; none for
    text that fits no model.
    """
    found = _BY_CODE.get(text.strip().casefold()) or _BY_NAME.get(_normalise(text))
    if found is not None:
        return (found,)
    return _AMBIGUOUS.get(_normalise(text), ())


def find_model(text: str) -> ModelEntry | None:
    """The one model the text means, ignoring case; None when it fits none or several."""
    found = find_models(text)
    return found[0] if len(found) == 1 else None


def all_models() -> tuple[ModelEntry, ...]:
    """Every real model, in catalog order; the generic fallbacks are not included."""
    return _MODELS


def battery_description(entry: ModelEntry) -> str | None:
    """How many cells of which type, for a sentence or a sensor attribute; None without cells.

    Cells assumed from other models are said to be unconfirmed, never stated as fact.
    """
    if entry.battery_count == 0 or entry.battery_type is None:
        return None
    # A real multiplication sign reads better than an "x" in the UI.
    cells = f"{entry.battery_count} × {entry.battery_type}"  # noqa: RUF001
    return cells if entry.battery_confirmed else f"{cells} (unconfirmed for this model)"
