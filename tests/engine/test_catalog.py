"""The procedure catalog: complete, sourced, honest about disagreements, safe for any code."""

import json
from pathlib import Path
import re

import pytest

from custom_components.blink_care.client.models import DeviceKind, PowerSource
from custom_components.blink_care.engine.catalog import (
    BLINK_SUPPORT_HOME,
    ModelEntry,
    Procedure,
    ProcedureName,
    Quote,
    StepKind,
    all_models,
    battery_description,
    find_model,
    find_models,
    model_for,
)
from custom_components.blink_care.engine.catalog_data import (
    CLOSING_STEPS,
    CONTRADICTION_NOTES,
    SEARCH_WORDS as SEARCH_WORDS_OF,
)

# Product codes from blink-models.md §3 (the Blink app's device enum) and blink-cloud-api.md §3
# (codes seen in homescreen captures, with the sm2 subtypes). Kept here so the check runs even
# where the reference folder is not mounted; test_reference_lists_match_the_files keeps it honest.
REFERENCE_CODES = (
    "white",
    "xt",
    "xt2",
    "catalina",
    "catalina_indoor",
    "sedona",
    "sonoran",
    "owl",
    "hawk",
    "chickadee",
    "lotus",
    "tulip",
    "orchid",
    "superior",
    "sm1",
    "sm2",
    "vinnie",
    "billy",
)
# The contradictions listed in blink-models.md §6, by their letter there.
CONTRADICTION_IDS = frozenset("ABCDEFGHIJKLMNOP")
# App enum placeholders and accessory/subtype words that are not device codes.
NOT_DEVICE_CODES = frozenset({"unknown", "sync_module", "none", "rosie", "storm"})

_REFERENCE = re.compile(r"the '([a-z_]+)' procedure of the Get procedure action")
_TRANSLATIONS = Path(__file__).resolve().parents[2] / "custom_components/blink_care/translations"
_REFERENCE_DIRS = (
    Path("/work/shared/reference"),
    Path(__file__).resolve().parents[3] / "shared" / "reference",
)


def _reference_file(name: str) -> Path | None:
    return next((d / name for d in _REFERENCE_DIRS if (d / name).is_file()), None)


def _section(text: str, number: int) -> str:
    """The body of a '## <number>.' section of a reference file."""
    match = re.search(rf"^## {number}\..*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"section {number} not found"
    return match.group(0)


def _table_cells(section: str, column: int) -> list[str]:
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [row.split("|")[column + 1] for row in rows[2:]]  # skip header and separator


def _every_entry() -> tuple[ModelEntry, ...]:
    """The real models plus the generic fallback of every kind of device."""
    return (*all_models(), *(model_for("not-a-code", kind=kind) for kind in DeviceKind))


def _every_procedure() -> list[tuple[ModelEntry, Procedure]]:
    return [(entry, p) for entry in _every_entry() for p in entry.procedures.values()]


def _text(procedure: Procedure) -> str:
    return " ".join((*procedure.steps, *procedure.warnings, *procedure.notes))


# --- Completeness ------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_every_procedure_has_steps_and_an_https_source(entry, procedure):
    assert procedure.title
    assert procedure.steps
    assert all(step.strip() for step in procedure.steps)
    assert procedure.estimated_minutes > 0
    assert procedure.source_url.startswith("https://")
    assert entry.procedures[procedure.name] is procedure


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_urls_are_https(entry):
    urls = [entry.support_url]
    for procedure in entry.procedures.values():
        urls.append(procedure.source_url)
        urls += re.findall(r"\w+://\S+", _text(procedure))
    assert urls
    assert all(url.startswith("https://") for url in urls), urls


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_applicable_procedures_follow_power_and_kind(entry):
    names = set(entry.procedures)
    common = {
        ProcedureName.POWER_CYCLE,
        ProcedureName.SOFT_RESET,
        ProcedureName.REMOVE_FROM_ACCOUNT,
        ProcedureName.FLASHING_RED,
        ProcedureName.OFFLINE,
        ProcedureName.ADD_AGAIN,
        ProcedureName.FIRMWARE_CHECK,
    }
    assert common <= names
    battery_only = {ProcedureName.OPEN_COVER, ProcedureName.BATTERY_CHANGE}
    if entry.power is PowerSource.MAINS:
        assert not names & battery_only
        assert entry.battery_count == 0
        assert entry.battery_type is None
        assert entry.battery_life_claim is None
    else:
        assert battery_only <= names
        assert entry.battery_count == 2
    is_module = entry.kind is DeviceKind.SYNC_MODULE
    assert (ProcedureName.SYNC_MODULE_RESET in names) is is_module
    assert (ProcedureName.FACTORY_RESET in names) is not is_module
    # Blink's local-storage page names the Sync Module 2, XR and Core; not the 1st Gen.
    has_storage = is_module and entry.key != "sync_module_1"
    assert (ProcedureName.LOCAL_STORAGE in names) is has_storage
    # Blink's note on mounts with their own batteries sits in its 3rd Gen section.
    gen3 = entry.key in {"outdoor_3", "indoor_3"}
    assert (ProcedureName.ACCESSORY_BATTERIES in names) is gen3


def test_minis_have_no_battery_at_all():
    minis = [entry for entry in all_models() if entry.kind is DeviceKind.MINI]
    assert {code for entry in minis for code in entry.codes} == {"owl", "hawk", "chickadee"}
    for entry in minis:
        assert entry.power is PowerSource.MAINS
        assert battery_description(entry) is None
        assert ProcedureName.BATTERY_CHANGE not in entry.procedures


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_model_tools_cover_every_procedure(entry):
    for procedure in entry.procedures.values():
        assert set(procedure.tools) <= set(entry.tools)


def test_keys_and_codes_are_unique_and_models_are_not_generic():
    models = all_models()
    keys = [entry.key for entry in models]
    codes = [code for entry in models for code in entry.codes]
    assert len(keys) == len(set(keys))
    assert len(codes) == len(set(codes))
    assert not any(entry.generic for entry in models)


# --- Product codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", REFERENCE_CODES)
def test_every_reference_code_maps_to_a_real_model(code):
    entry = model_for(code)
    assert not entry.generic
    assert code in entry.codes
    assert find_model(code) is entry


def test_reference_lists_match_the_files():
    models_md = _reference_file("blink-models.md")
    api_md = _reference_file("blink-cloud-api.md")
    if models_md is None or api_md is None:
        pytest.skip("reference folder not mounted here")
    models_text = models_md.read_text(encoding="utf-8")
    enum_codes = {
        code
        for cell in _table_cells(_section(models_text, 3), 1)
        for code in re.findall(r"`([a-z0-9_]+)`", cell)
    }
    api_codes = {
        code
        for cell in _table_cells(_section(api_md.read_text(encoding="utf-8"), 3), 0)
        for code in re.findall(r"`([a-z0-9_]+)`", cell)
    }
    listed = set(re.findall(r"^\*\*([A-Z])\. ", _section(models_text, 6), re.MULTILINE))
    assert "catalina_indoor" in enum_codes
    assert "vinnie" in api_codes
    assert (enum_codes | api_codes) - NOT_DEVICE_CODES == set(REFERENCE_CODES)
    assert listed == CONTRADICTION_IDS


def test_catalina_is_the_outdoor_third_generation():
    assert model_for("catalina").name == "Outdoor (3rd Gen)"
    assert model_for("catalina_indoor").name == "Indoor (3rd Gen)"


def test_subtype_wins_over_type_and_code_wins_over_kind():
    assert model_for("sm2", "billy").key == "sync_module_2"
    assert model_for("sm2", "vinnie").key == "sync_module_2"
    assert model_for("sm1", "none").key == "sync_module_1"
    assert model_for("OWL", kind=DeviceKind.CAMERA).key == "mini"


@pytest.mark.parametrize("kind", list(DeviceKind))
def test_unknown_code_gets_a_generic_entry_of_its_kind(kind):
    entry = model_for("zebra9", kind=kind)
    assert entry.generic
    assert entry.kind is kind
    assert "zebra9" in entry.name
    assert entry.support_url == BLINK_SUPPORT_HOME
    assert entry.procedures


def test_unknown_camera_code_is_named_after_the_code():
    assert model_for("zebra9").name == "Blink camera (zebra9)"
    assert model_for("zebra9").kind is DeviceKind.CAMERA


@pytest.mark.parametrize("code", [None, "", "   "])
def test_missing_code_never_raises(code):
    entry = model_for(code, None, None)
    assert entry.generic
    assert entry.name == "Blink camera (unknown)"
    assert entry.procedures[ProcedureName.OFFLINE].steps


def test_generic_names_do_not_leak_into_the_shared_fallback():
    first = model_for("first-code", kind=DeviceKind.MINI)
    second = model_for("second-code", kind=DeviceKind.MINI)
    assert "first-code" in first.name
    assert "second-code" in second.name
    assert "first-code" not in second.name


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("catalina", "outdoor_3"),
        ("CATALINA", "outdoor_3"),
        ("Outdoor (3rd Gen)", "outdoor_3"),
        ("  outdoor  (3rd gen) ", "outdoor_3"),
        ("xt2", "xt2"),
        ("Blink XT2", "xt2"),
        ("Blink Mini", "mini"),
        ("Indoor (Gen 2)", "indoor_3"),
        ("vinnie", "sync_module_2"),
        ("Sync Module XR", "sync_module_xr"),
        ("outdoor_4", "outdoor_4"),
        ("Video Doorbell", "video_doorbell"),
    ],
)
def test_find_model_by_code_name_or_alias(query, key):
    found = find_model(query)
    assert found is not None
    assert found.key == key


@pytest.mark.parametrize("query", ["", "Outdoor 9", "zebra9", "Blink"])
def test_find_model_returns_none_for_unknown_text(query):
    assert find_model(query) is None


@pytest.mark.parametrize("entry", all_models(), ids=lambda e: e.key)
def test_find_model_finds_every_model_by_its_name(entry: ModelEntry) -> None:
    assert find_model(entry.name) is entry
    assert find_model(entry.name.upper()) is entry


# --- Content a user relies on --------------------------------------------------------------


def test_battery_description():
    assert battery_description(model_for("sedona")) == "2 × AA 1.5 V lithium, non-rechargeable"  # noqa: RUF001
    assert battery_description(model_for("owl")) is None


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_off_seconds_only_on_power_cycles_and_within_limits(entry, procedure):
    if procedure.name is ProcedureName.POWER_CYCLE:
        assert procedure.off_seconds is not None
        assert 5 <= procedure.off_seconds <= 300
    else:
        assert procedure.off_seconds is None


def test_off_time_is_blinks_figure_or_the_30_second_default():
    assert model_for("lotus").procedures[ProcedureName.POWER_CYCLE].off_seconds == 5
    for entry in _every_entry():
        power_cycle = entry.procedures[ProcedureName.POWER_CYCLE]
        if not power_cycle.official:
            assert power_cycle.off_seconds == 30, entry.key
            assert "30 seconds" in " ".join(power_cycle.steps)


def _sync_modules() -> list[ModelEntry]:
    return [entry for entry in _every_entry() if entry.kind is DeviceKind.SYNC_MODULE]


def _doorbells() -> list[ModelEntry]:
    return [entry for entry in _every_entry() if entry.kind is DeviceKind.DOORBELL]


@pytest.mark.parametrize("entry", _doorbells(), ids=lambda e: e.key)
def test_every_hands_on_doorbell_procedure_warns_about_the_breaker(entry):
    hands_on = [
        procedure
        for procedure in entry.procedures.values()
        if any("back plate" in step or "batteries" in step for step in procedure.steps)
    ]
    assert {p.name for p in hands_on} >= {
        ProcedureName.OPEN_COVER,
        ProcedureName.BATTERY_CHANGE,
        ProcedureName.POWER_CYCLE,
        ProcedureName.SOFT_RESET,
        ProcedureName.FACTORY_RESET,
        ProcedureName.OFFLINE,
    }
    for procedure in hands_on:
        assert any("circuit breaker" in warning for warning in procedure.warnings), procedure.name


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_offline_guide_goes_from_least_to_most_invasive(entry):
    steps = entry.procedures[ProcedureName.OFFLINE].steps
    labels = [step.split(":", 1)[0] for step in steps]
    expected = [
        "Batteries" if entry.power is PowerSource.BATTERY else "Power supply",
        "Wi-Fi",
        "Router",
        "Power cycle",
        *(["Sync Module"] if entry.kind is not DeviceKind.SYNC_MODULE else []),
        _last_resort_label(entry),
        "Blink support",
    ]
    assert labels == expected
    assert "2.4 GHz" in steps[1]


def _has_documented_reset_button(entry: ModelEntry) -> bool:
    """Battery cameras behind a Sync Module have no reset button any source agrees on."""
    return not (entry.kind is DeviceKind.CAMERA and entry.power is PowerSource.BATTERY)


def _last_resort_label(entry: ModelEntry) -> str:
    if _has_documented_reset_button(entry):
        return "Factory reset (last resort)"
    return "Delete and add again (last resort)"


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_offline_last_resort_is_honest_about_the_account(entry):
    """E1: deleting a device does remove it; only a button reset leaves the account alone."""
    last_resort = entry.procedures[ProcedureName.OFFLINE].steps[-2]
    kept = "does not remove the device from your account"
    if _has_documented_reset_button(entry):
        assert kept in last_resort
    else:
        assert kept not in last_resort
        assert "removes it from your account" in last_resort


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_offline_guide_types_its_steps_for_code_to_read(entry):
    """Repairs offers its smart-plug button at the step typed power_cycle, whatever its words."""
    kinds = [step.kind for step in entry.procedures[ProcedureName.OFFLINE].typed_steps]
    assert kinds.count(StepKind.POWER_CYCLE) == 1
    assert kinds[0] is StepKind.CHECK
    assert kinds[-1] is StepKind.SUPPORT


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_every_step_has_a_kind_and_the_texts_follow_the_steps(entry, procedure):
    assert all(isinstance(step.kind, StepKind) for step in procedure.typed_steps)
    assert procedure.steps == tuple(step.text for step in procedure.typed_steps)
    if procedure.name is ProcedureName.POWER_CYCLE:
        assert StepKind.WAIT in {step.kind for step in procedure.typed_steps}


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_resets_give_hold_time_light_and_account_caveat(entry):
    name = (
        ProcedureName.SYNC_MODULE_RESET
        if entry.kind is DeviceKind.SYNC_MODULE
        else ProcedureName.FACTORY_RESET
    )
    steps = " ".join(entry.procedures[name].steps)
    assert "does NOT remove" in steps
    assert "hold" in steps
    assert "light" in steps
    assert entry.procedures[name].warnings


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_remove_from_account_is_the_fix_for_already_registered(entry):
    steps = " ".join(entry.procedures[ProcedureName.REMOVE_FROM_ACCOUNT].steps)
    assert "serial number already registered" in steps
    # E10: the Delete Device menu is named for cameras only; no source names it for a module.
    assert ("Delete Device" in steps) is (entry.kind is not DeviceKind.SYNC_MODULE)


@pytest.mark.parametrize("entry", _sync_modules(), ids=lambda e: e.key)
def test_sync_module_reset_is_borrowed_where_the_guide_does_not_name_the_module(entry):
    """E10: the only reset guide names the Sync Module 2 and XR; others get it as borrowed."""
    reset = entry.procedures[ProcedureName.SYNC_MODULE_RESET]
    if entry.key in {"sync_module_2", "sync_module_xr"}:
        assert reset.borrowed_from is None
    else:
        assert reset.borrowed_from == "Sync Module 2"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("sedona", ("opening tool", "counter-clockwise")),
        ("catalina", ("silicone", "counter-clockwise")),
        ("xt2", ("grey switch", "keep holding")),
        ("xt", ("grey switch", "keep holding")),
        ("white", ("latch", "underside")),
        ("lotus", ("opening key", "circuit breaker")),
    ],
)
def test_cover_steps_are_the_models_own(code, words):
    steps = " ".join(model_for(code).procedures[ProcedureName.OPEN_COVER].steps)
    for word in words:
        assert word in steps


@pytest.mark.parametrize(
    ("code", "official"),
    [
        ("sedona", True),
        ("catalina", True),
        ("catalina_indoor", True),
        ("white", True),
        ("xt", True),
        ("xt2", True),
        ("lotus", True),
        ("sonoran", False),
        ("tulip", False),
        ("orchid", False),
    ],
)
def test_cover_is_official_only_where_blink_wrote_it_for_that_model(code, official):
    assert model_for(code).procedures[ProcedureName.OPEN_COVER].official is official


# --- Contradictions ---------------------------------------------------------------------------


def _contradictions(procedure: Procedure) -> set[str]:
    return {CONTRADICTION_NOTES[note] for note in procedure.notes if note in CONTRADICTION_NOTES}


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_notes_are_plain_sentences_without_internal_labels(entry, procedure):
    for note in (*procedure.notes, *procedure.steps, *procedure.warnings):
        assert not re.match(r"Contradiction [A-Z]\b", note), note


def test_all_contradictions_appear_as_notes():
    found = set().union(*(_contradictions(p) for _, p in _every_procedure()))
    assert found == CONTRADICTION_IDS


@pytest.mark.parametrize(
    ("letter", "code", "name"),
    [
        ("A", "owl", ProcedureName.FACTORY_RESET),
        ("B", "hawk", ProcedureName.FACTORY_RESET),
        ("C", "sedona", ProcedureName.POWER_CYCLE),
        ("C", "lotus", ProcedureName.POWER_CYCLE),
        ("D", "lotus", ProcedureName.FACTORY_RESET),
        ("E", "sedona", ProcedureName.FACTORY_RESET),
        ("F", "lotus", ProcedureName.FACTORY_RESET),
        ("G", "xt2", ProcedureName.OPEN_COVER),
        ("H", "sedona", ProcedureName.OPEN_COVER),
        ("I", "catalina", ProcedureName.BATTERY_CHANGE),
        ("J", "lotus", ProcedureName.BATTERY_CHANGE),
        ("K", "white", ProcedureName.BATTERY_CHANGE),
        ("L", "lotus", ProcedureName.OPEN_COVER),
        ("M", "catalina_indoor", ProcedureName.OPEN_COVER),
        ("N", "sm2", ProcedureName.SYNC_MODULE_RESET),
        ("O", "xt", ProcedureName.REMOVE_FROM_ACCOUNT),
        ("P", "lotus", ProcedureName.FLASHING_RED),
    ],
)
def test_contradiction_sits_where_it_matters(letter, code, name):
    assert letter in _contradictions(model_for(code).procedures[name])


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_every_power_cycle_records_the_off_time_disagreement(entry):
    assert "C" in _contradictions(entry.procedures[ProcedureName.POWER_CYCLE])


# Blink's light chart (P6) is written for these two modules only.
_CHARTED_MODULES = frozenset({"sync_module_1", "sync_module_2"})
_CHART_MEANINGS = ("means it is online", "means it is starting", "means it is trying")


@pytest.mark.parametrize("entry", _sync_modules(), ids=lambda e: e.key)
def test_sync_module_light_chart_is_official_only_for_the_modules_it_covers(entry):
    """E2: the chart covers the Sync Module (1st Gen) and 2; elsewhere it is borrowed, said so."""
    charted = entry.key in _CHARTED_MODULES
    flashing_red = entry.procedures[ProcedureName.FLASHING_RED]
    assert flashing_red.official is charted
    if charted:
        return
    assert "Sync Module (1st Gen) and Sync Module 2" in flashing_red.steps[0]
    for name in (ProcedureName.POWER_CYCLE, ProcedureName.OFFLINE):
        steps = " ".join(entry.procedures[name].steps)
        assert not any(meaning in steps for meaning in _CHART_MEANINGS), name


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_mains_devices_are_never_told_about_low_batteries(entry):
    """E3: a Mini or a wired floodlight has no batteries to blink about."""
    if entry.power is not PowerSource.MAINS:
        return
    for procedure in entry.procedures.values():
        text = " ".join(procedure.steps).casefold()
        assert "low batteries" not in text, procedure.name
        assert "five red blinks" not in text, procedure.name


# Models no Blink page describes; their steps are another model's (blink-models.md §1, §2.2, §2.9).
_UNCONFIRMED = {"sonoran": "Outdoor 4", "tulip": "Video Doorbell", "orchid": "Video Doorbell"}


@pytest.mark.parametrize(("code", "lender"), _UNCONFIRMED.items())
def test_unconfirmed_models_show_borrowed_facts_as_unconfirmed(code, lender):
    """E4: battery type, key, case and lights of another model are never stated as this one's."""
    entry = model_for(code)
    assert "unconfirmed" in (battery_description(entry) or "")
    for procedure in entry.procedures.values():
        text = " ".join((*procedure.steps, *procedure.notes))
        assert not procedure.official, procedure.name
        assert "this doorbell means pairing mode" not in text.casefold()
        assert "16 V" not in text
        if procedure.borrowed_from is not None:
            assert procedure.borrowed_from == lender
            assert lender in procedure.steps[0]
    assert {name for name, p in entry.procedures.items() if p.borrowed_from} >= {
        ProcedureName.OPEN_COVER,
        ProcedureName.BATTERY_CHANGE,
        ProcedureName.FACTORY_RESET,
        ProcedureName.FLASHING_RED,
    }
    change = " ".join(entry.procedures[ProcedureName.BATTERY_CHANGE].steps)
    assert "unconfirmed" in change


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_a_borrowed_procedure_is_never_official_and_names_its_lender(entry, procedure):
    if procedure.borrowed_from is None:
        return
    assert not procedure.official
    assert procedure.typed_steps[0].kind is StepKind.INFO
    assert f"the {procedure.borrowed_from}'s" in procedure.steps[0]
    assert find_model(procedure.borrowed_from) is not None


@pytest.mark.parametrize("code", ["sedona", "catalina", "xt", "white", "lotus"])
def test_documented_models_state_their_battery_type(code):
    assert "unconfirmed" not in (battery_description(model_for(code)) or "")


def test_doorbell_reset_button_is_where_blink_puts_it():
    """E5: Blink says the case holds the QR code, the button and a diagram; not 'next to' one."""
    steps = " ".join(model_for("lotus").procedures[ProcedureName.FACTORY_RESET].steps)
    assert "inside the battery case" in steps
    assert "next to the QR" not in steps


@pytest.mark.parametrize("code", ["xt", "xt2"])
def test_xt_cover_is_pulled_up_and_no_latch_is_invented(code):
    """E6: Blink says pull the cover up with your thumb; no source mentions a latching switch."""
    for name in (ProcedureName.OPEN_COVER, ProcedureName.BATTERY_CHANGE):
        steps = " ".join(model_for(code).procedures[name].steps)
        assert "pull the cover up with your thumb" in steps
        assert "push the cover" not in steps
        assert "latch" not in steps


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_warnings_never_contradict_the_steps_about_power(entry, procedure):
    """E7: a reset that needs power cannot also warn you to switch the circuit off first."""
    steps = " ".join(procedure.steps)
    if "Leave the" not in steps or ("powered" not in steps and "plugged in" not in steps):
        return
    for warning in procedure.warnings:
        assert "circuit off" not in warning, procedure.name


def test_floodlight_reset_does_not_invent_a_pinhole():
    """E7: no source says the floodlight's button is a pinhole; no paper clip is asked for."""
    reset = model_for("superior").procedures[ProcedureName.FACTORY_RESET]
    assert not any("paper clip" in tool for tool in reset.tools)
    assert "paper clip" not in " ".join(reset.steps)


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        # Blink's cover page calls the 3rd-gen pair "the Blink Indoor and Outdoor camera", and
        # also names an "Indoor (gen 1)"; one guide's "Blink Outdoor" covers Outdoor 4 and 3rd Gen.
        ("Indoor", {"indoor_1", "indoor_3"}),
        ("Blink Indoor", {"indoor_1", "indoor_3"}),
        ("Outdoor", {"outdoor_3", "outdoor_4"}),
        ("sync module", {"sync_module_1", "sync_module_2", "sync_module_xr", "sync_module_core"}),
        ("Doorbell", {"video_doorbell", "video_doorbell_2", "battery_doorbell_2k_plus"}),
    ],
)
def test_ambiguous_words_return_every_candidate_instead_of_a_guess(query, keys):
    """E8: 'Indoor' used to give the gen-1 latch steps to owners of a screw-cover camera."""
    assert find_model(query) is None
    assert {entry.key for entry in find_models(query)} == keys


@pytest.mark.parametrize("entry", all_models(), ids=lambda e: e.key)
def test_a_models_own_name_and_codes_are_never_ambiguous(entry):
    for text in (entry.name, entry.key, *entry.codes):
        assert find_models(text) == (entry,)


@pytest.mark.parametrize(
    "entry", [e for e in _every_entry() if e.power is PowerSource.BATTERY], ids=lambda e: e.key
)
def test_battery_change_warns_about_the_only_cells_blink_allows(entry):
    """E9: Blink's 'only AA 1.5 V lithium non-rechargeable' is a warning, not buried in a step."""
    change = entry.procedures[ProcedureName.BATTERY_CHANGE]
    warning = next(w for w in change.warnings if "non-rechargeable" in w)
    assert "lithium" in warning
    assert "rechargeable" in warning.replace("non-rechargeable", "")
    assert ("unconfirmed" in warning) is not entry.battery_confirmed


def test_about_a_minute_is_not_narrowed_to_wired_devices():
    """The guide that waits 'about a minute' says it for every device, batteries included."""
    notes = " ".join(model_for("sedona").procedures[ProcedureName.POWER_CYCLE].notes)
    assert "about a minute" in notes
    assert "about a minute for wired" not in notes


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_a_factory_reset_never_looks_quicker_than_a_restart(entry):
    reset = entry.procedures.get(ProcedureName.FACTORY_RESET) or entry.procedures.get(
        ProcedureName.SYNC_MODULE_RESET
    )
    assert reset is not None
    assert reset.estimated_minutes > entry.procedures[ProcedureName.SOFT_RESET].estimated_minutes


def test_unknown_sync_module_points_to_the_modules_without_a_known_code():
    """XR and Core have no confirmed product code, so a real one arrives as an unknown module."""
    entry = model_for("kalahari", kind=DeviceKind.SYNC_MODULE)
    notes = " ".join(entry.procedures[ProcedureName.OFFLINE].notes)
    assert "Sync Module XR" in notes
    assert "Sync Module Core" in notes


# --- Names, references and links a user can follow ------------------------------------------


def test_each_procedure_has_one_name_the_selector_shows():
    """The catalog's title is the action selector's label, so one procedure has one name."""
    labels = json.loads((_TRANSLATIONS / "en.json").read_text(encoding="utf-8"))["selector"][
        "procedure"
    ]["options"]
    assert set(labels) == {name.value for name in ProcedureName}
    for _, procedure in _every_procedure():
        assert procedure.title == labels[procedure.name.value]


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_references_to_other_procedures_can_be_opened(entry, procedure):
    """'See X' named a title the user could not open; a reference names the action's key."""
    text = " ".join((*procedure.steps, *procedure.warnings))
    assert "see '" not in text
    for key in _REFERENCE.findall(text):
        assert ProcedureName(key) in entry.procedures, key


_COVER_PAGES = frozenset(
    {
        "https://blink.helpjuice.com/en_US/using-outdoor4/remove-back-cover-outdoor4-camera",
        "https://blink.helpjuice.com/en_US/f-a-q/how-to-remove-the-battery-cover-from-blink-cameras",
        (
            "https://blink.helpjuice.com/en_US/f-a-q_fr/"
            "comment-enlever-le-couvercle-des-piles-de-votre-camera"
        ),
    }
)
_DOORBELL_LIGHTS = "https://blink.helpjuice.com/using-blink-video-doorbell/2464753"
_SYNC_MODULE_LIGHTS = "https://support.blinkforhome.com/usando-sync-module-2/2258854"
_LOCAL_STORAGE_PAGE = (
    "https://support.blinkforhome.com/en_US/using-your-sync-module/"
    "sync-module-2-local-storage-operation"
)
# The Blink pages that are about each procedure (blink-models.md §5); anything else links the
# support home with search words.
_PAGES_ABOUT: dict[ProcedureName, frozenset[str]] = {
    ProcedureName.OPEN_COVER: _COVER_PAGES,
    ProcedureName.BATTERY_CHANGE: _COVER_PAGES,
    ProcedureName.POWER_CYCLE: frozenset({_DOORBELL_LIGHTS}),
    ProcedureName.SOFT_RESET: frozenset({_DOORBELL_LIGHTS}),
    ProcedureName.FLASHING_RED: frozenset({_DOORBELL_LIGHTS, _SYNC_MODULE_LIGHTS}),
    ProcedureName.REMOVE_FROM_ACCOUNT: frozenset({"https://blink.helpjuice.com/602656"}),
    ProcedureName.LOCAL_STORAGE: frozenset({_LOCAL_STORAGE_PAGE}),
}


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_each_procedure_links_a_page_about_it_or_searches_the_support_home(entry, procedure):
    """An offline guide once linked a cover-removal page; now the link is about the task."""
    if procedure.source_url == BLINK_SUPPORT_HOME:
        assert procedure.search_words
        assert SEARCH_WORDS_OF[procedure.name] in procedure.search_words
        if not entry.generic:
            assert entry.name in procedure.search_words
    else:
        assert procedure.search_words is None
        assert procedure.source_url in _PAGES_ABOUT.get(procedure.name, frozenset())


def test_cover_page_is_the_models_own():
    """The Outdoor 4 has its own cover page; the doorbell is in the cover FAQ."""
    assert "outdoor4" in model_for("sedona").procedures[ProcedureName.OPEN_COVER].source_url
    assert "f-a-q/how-to" in model_for("lotus").procedures[ProcedureName.OPEN_COVER].source_url


# --- Traceability: every official step goes back to a sentence of Blink's ----------------------

# Blink's own text: the official seed (S1) and Blink's support pages (P1-P9 in blink-models.md).
_OFFICIAL_SOURCES = frozenset({"S1", *(f"P{n}" for n in range(1, 10))})
_SEED_FILES = {
    "S0": "blink-battery-change-guide.txt",
    "S1": "blink-official-battery-cover-removal.txt",
    "S2": "blink-flashing-red-guide.txt",
    "S3": "blink-reset-guide.txt",
}


def _official() -> list[tuple[ModelEntry, Procedure]]:
    return [(entry, p) for entry, p in _every_procedure() if p.official]


@pytest.mark.parametrize(("entry", "procedure"), _official())
def test_every_official_step_quotes_blink_or_says_it_is_own_wording(entry, procedure):
    """A step of an 'official' procedure is Blink's sentence in other words, or marked as ours."""
    for step in procedure.typed_steps:
        assert step.quotes or step.own_wording, step.text
        assert not (step.quotes and step.own_wording), step.text
        assert {quote.source for quote in step.quotes} <= _OFFICIAL_SOURCES, step.text
    assert any(step.quotes for step in procedure.typed_steps)


def _quotes() -> list[Quote]:
    found = {q for _, p in _every_procedure() for step in p.typed_steps for q in step.quotes}
    return sorted(found)


def _normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("quote", _quotes(), ids=lambda q: f"{q.source}:{q.text[:30]}")
def test_quote_really_occurs_in_its_source(quote):
    """Seed quotes are checked against the seed file; page quotes against the reference's record."""
    name = (
        f"seeds/{_SEED_FILES[quote.source]}" if quote.source in _SEED_FILES else "blink-models.md"
    )
    source = _reference_file(name)
    if source is None:
        pytest.skip("reference folder not mounted here")
    assert quote.source in _SEED_FILES or quote.source.startswith("P")
    assert _normalised(quote.text) in _normalised(source.read_text(encoding="utf-8"))


def test_official_procedures_are_the_ones_blink_wrote_for_that_model():
    """Blink's cover text (S1, P1, P2), doorbell page (P4) and Sync Module chart (P6) only."""
    official = {(entry.key, p.name.value) for entry, p in _official()}
    covers = {"outdoor_4", "outdoor_3", "indoor_3", "indoor_1", "xt", "xt2", "video_doorbell"}
    expected = {(key, name) for key in covers for name in ("open_cover", "battery_change")}
    expected |= {("video_doorbell", "power_cycle"), ("video_doorbell", "flashing_red")}
    expected |= {("sync_module_1", "flashing_red"), ("sync_module_2", "flashing_red")}
    expected |= {(key, "local_storage") for key in ("sync_module_2", "sync_module_xr")}
    expected |= {("sync_module_core", "local_storage")}
    assert official == expected


# --- Guides added for what users asked and the sources support ---------------------------------


@pytest.mark.parametrize(
    ("key", "words", "absent"),
    [
        ("sync_module_2", ("USB-A", "256 GB", "exFAT"), "microSD"),
        ("sync_module_xr", ("microSD", "10 Mbit/s"), "USB-A port"),
        ("sync_module_core", ("no local storage", "Clip Backup"), "Plug the drive"),
    ],
)
def test_local_storage_is_blinks_answer_for_each_module(key, words, absent):
    procedure = find_model(key).procedures[ProcedureName.LOCAL_STORAGE]
    steps = " ".join(procedure.steps)
    assert procedure.official
    assert all(word in steps for word in words)
    assert absent not in steps
    assert "local-storage" in procedure.source_url


def test_unknown_module_gets_every_storage_answer_unofficially():
    procedure = model_for("kalahari", kind=DeviceKind.SYNC_MODULE).procedures[
        ProcedureName.LOCAL_STORAGE
    ]
    assert not procedure.official
    assert all(word in procedure.steps[0] for word in ("USB-A", "microSD", "Core"))


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_add_again_deletes_first_scans_the_code_and_joins_wifi(entry):
    steps = entry.procedures[ProcedureName.ADD_AGAIN].steps
    assert "'remove_from_account'" in steps[0]
    assert "serial number" in steps[1]
    assert "QR code" in " ".join(steps)
    assert "2.4 GHz" in " ".join(steps)


def test_add_again_says_where_the_serial_is_only_where_a_source_does():
    def label(code: str) -> str:
        return model_for(code).procedures[ProcedureName.ADD_AGAIN].steps[1]

    assert "inside the back cover" in label("catalina")
    assert "under the battery cover" in label("xt2")
    assert "inside the battery case" in label("lotus")
    assert "inside the battery compartment" in label("sedona")
    for code in ("owl", "sonoran", "white", "tulip", "sm2", "superior"):
        assert "no source gives where" in label(code), code


def test_battery_cameras_start_over_through_add_again():
    offline = model_for("catalina").procedures[ProcedureName.OFFLINE]
    assert "'add_again'" in offline.steps[-2]


@pytest.mark.parametrize("code", ["catalina", "catalina_indoor"])
def test_accessories_with_own_batteries_are_named_without_invented_cells(code):
    procedure = model_for(code).procedures[ProcedureName.ACCESSORY_BATTERIES]
    steps = " ".join(procedure.steps)
    assert "Floodlight mount" in steps
    assert "Solar Panel Mount" in steps
    assert "AA" not in steps


@pytest.mark.parametrize("entry", _every_entry(), ids=lambda e: e.key)
def test_firmware_check_claims_only_what_the_sources_say(entry):
    """Audit F: automatic updates are one guide's 'often'; its 5-minute wait is for cameras."""
    check = entry.procedures[ProcedureName.FIRMWARE_CHECK]
    steps = " ".join(check.steps)
    assert "firmware version" in steps
    assert "Home Assistant shows it on the device's page" in steps
    assert "update button" not in steps
    assert "Blink installs firmware updates by itself" not in steps
    assert "third-party guide" in steps
    if entry.kind is DeviceKind.SYNC_MODULE:
        assert "camera" not in steps.casefold()
        assert "five minutes" not in steps
        assert "Sync Module" in steps


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "nl"])
def test_every_procedure_key_is_offered_and_named_in_every_language(language):
    services = (_TRANSLATIONS.parent / "services.yaml").read_text(encoding="utf-8")
    labels = json.loads((_TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))[
        "selector"
    ]["procedure"]["options"]
    for name in ProcedureName:
        assert f"            - {name.value}\n" in services
        assert labels[name.value].strip()


# --- Audit of issue 16: the steps happen in an order a person can follow ----------------------


def _after_closing(procedure: Procedure) -> tuple[list[str], list[str]]:
    """The steps before the first closing-the-cover step, and those after the last one."""
    steps = list(procedure.steps)
    closing = [i for i, step in enumerate(steps) if step in CLOSING_STEPS]
    if not closing:
        return steps, []
    return steps[: closing[0]], steps[closing[-1] + 1 :]


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_nothing_inside_the_case_is_asked_for_after_it_is_closed(entry, procedure):
    """Audit A: a reset button inside the compartment was pressed after the cover went back on."""
    _, after = _after_closing(procedure)
    for step in after:
        inside = ("battery compartment", "battery case", "near the batteries", "label inside")
        if any(place in step for place in inside):
            assert "open the cover again" in step.casefold(), step


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_the_code_to_scan_is_noted_before_the_case_is_closed(entry, procedure):
    """Audit nit 1: the doorbell's QR code was to be scanned once it was back on its plate."""
    before, after = _after_closing(procedure)
    if any("scan" in step and "QR code" in step for step in after):
        assert any("note or photograph the qr code" in step.casefold() for step in before)


@pytest.mark.parametrize(
    "entry", [e for e in _every_entry() if ProcedureName.FACTORY_RESET in e.procedures]
)
def test_factory_reset_claims_only_what_the_sources_say(entry):
    """Audit A: no source says deleting clears the settings; the button text matches the note."""
    reset = entry.procedures[ProcedureName.FACTORY_RESET]
    steps = " ".join(reset.steps)
    assert "clears its settings" not in steps
    assert "Other guides say" not in steps
    assert "see get" not in steps


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_a_note_about_closing_comes_only_with_a_closing_step(entry, procedure):
    """Audit D: 'open the cover' kept the note about its closing step after dropping the step."""
    if any("closing" in note for note in procedure.notes):
        assert any(step in CLOSING_STEPS for step in procedure.steps)


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_no_procedure_pushes_the_xt_cover_up(entry, procedure):
    """E6 again: the generic camera's cover summary still pushed the XT's cover up."""
    steps = " ".join(procedure.steps)
    assert "pushing the cover up" not in steps
    assert "push the cover up" not in steps


def _api_codes() -> frozenset[str]:
    """Blink's internal product codes, less the ones that are also a model's name (XT, XT2)."""
    names = {name.casefold() for entry in all_models() for name in (entry.name, entry.key)}
    codes = {code for entry in all_models() for code in entry.codes}
    return frozenset(codes - names)


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_user_text_has_no_internal_api_codes(entry, procedure):
    """Audit E: 'Reports type 'sm2' with subtype 'vinnie'' means nothing to a user."""
    text = " ".join((procedure.title, *procedure.steps, *procedure.warnings, *procedure.notes))
    assert "subtype" not in text
    for code in _api_codes():
        assert not re.search(rf"\b{re.escape(code)}\b", text), code


def _lender_only_notes(lender: ModelEntry) -> set[str]:
    """Notes the lender's procedures carry that no unrelated model shares: its own facts."""
    family = {lender.key} | {
        entry.key
        for entry, procedure in _every_procedure()
        if procedure.borrowed_from == lender.name
    }
    lender_notes = {note for p in lender.procedures.values() for note in p.notes}
    elsewhere = {
        note
        for entry, procedure in _every_procedure()
        if entry.key not in family
        for note in procedure.notes
    }
    return lender_notes - elsewhere


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_a_borrowed_procedure_names_the_model_its_lenders_notes_are_about(entry, procedure):
    """Audit B: 'Blink gives this restart...' read as Blink's word for the borrowing doorbell."""
    if procedure.borrowed_from is None:
        return
    lender = find_model(procedure.borrowed_from)
    assert lender is not None
    for note in set(procedure.notes) & _lender_only_notes(lender):
        assert lender.name in note, note


@pytest.mark.parametrize(("entry", "procedure"), _every_procedure())
def test_a_note_crediting_third_parties_has_no_steps_from_blink(entry, procedure):
    """Audit nit 3: a restart credited third parties for steps that quote Blink's cover text."""
    if not any("the steps come from third-party guides" in note for note in procedure.notes):
        return
    for step in procedure.typed_steps:
        assert not {quote.source for quote in step.quotes} & _OFFICIAL_SOURCES, step.text


@pytest.mark.parametrize(
    "entry", [e for e in _every_entry() if e.power is PowerSource.MAINS], ids=lambda e: e.key
)
def test_offline_notes_of_devices_without_batteries_do_not_talk_about_batteries(entry):
    """Audit nit 4: a Sync Module's offline guide cited the doorbell's 'check the batteries'."""
    for note in entry.procedures[ProcedureName.OFFLINE].notes:
        assert "check the batteries" not in note, note


def test_a_known_fact_is_not_called_unsourced():
    """Audit nit 2: one third-party library lists the Mini 2K+ as not battery-powered."""
    notes = " ".join(find_model("mini_2k_plus").procedures[ProcedureName.POWER_CYCLE].notes)
    assert "No source describes this model's power" not in notes
    assert "not battery-powered" in notes


@pytest.mark.parametrize(
    "entry", [m for m in all_models() if m.kind is DeviceKind.SYNC_MODULE], ids=lambda m: m.key
)
def test_sync_modules_name_no_camera_menu(entry):
    """No step tells a Sync Module owner to use 'Delete Device': the guides name it for cameras."""
    for procedure in entry.procedures.values():
        steps = [step if isinstance(step, str) else step.text for step in procedure.steps]
        for text in (*steps, *procedure.warnings):
            assert "Delete Device" not in text, (entry.key, procedure.name, text)


@pytest.mark.parametrize(
    "entry", [m for m in all_models() if m.kind is DeviceKind.SYNC_MODULE], ids=lambda m: m.key
)
def test_sync_module_removal_promises_no_app_path_it_does_not_give(entry):
    """A note may not credit an app path to guides when the steps say no source gives one."""
    procedure = entry.procedures.get(ProcedureName.REMOVE_FROM_ACCOUNT)
    if procedure is None:
        pytest.skip("no removal procedure")
    assert not any("app path comes from third-party guides" in note for note in procedure.notes)
