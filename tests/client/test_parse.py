"""The parser on real Blink captures and on the malformed answers Blink is known to send.

Each test states what the user would see: a device's kind, power source, battery and signal
readings, or the reason it was left out. Nothing here needs Home Assistant.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from custom_components.blink_care.client.errors import (
    AuthFailedError,
    BlinkCareError,
    CloudUnreachableError,
    RateLimitedError,
)
from custom_components.blink_care.client.models import (
    AccountSnapshot,
    CameraConfigSnapshot,
    DeviceKind,
    DeviceSnapshot,
    PowerSource,
)
from custom_components.blink_care.client.parse import parse_camera_config, parse_homescreen

from . import ACCOUNT_ID, TAKEN_AT, load_fixture

SYNC_NETWORK = 2000001
SYNC_SERIAL = "A0000002"
# An integer beyond what a float can hold (about 1.8e308); Python's json module reads it fine.
HUGE = 10**400
# The first integer a float cannot represent exactly.
BEYOND_FLOAT_PRECISION = 2**53 + 1


def at(text: str) -> datetime:
    """A UTC instant written the way Blink writes it."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def parse(body: Any) -> AccountSnapshot:
    return parse_homescreen(body, ACCOUNT_ID, TAKEN_AT)


def parse_config(body: Any) -> CameraConfigSnapshot:
    return parse_camera_config(body, "B0000002", TAKEN_AT)


def sync_module(**fields: Any) -> dict[str, Any]:
    return {"id": 3000002, "serial": SYNC_SERIAL, "network_id": SYNC_NETWORK} | fields


def camera(**fields: Any) -> dict[str, Any]:
    return {"id": 4000002, "serial": "B0000002", "network_id": SYNC_NETWORK} | fields


def only_device(body: dict[str, Any]) -> DeviceSnapshot:
    """The single device a homescreen yields (the test fails if there is not exactly one)."""
    (device,) = parse(body).devices
    return device


def camera_with_signals(**signals: Any) -> DeviceSnapshot:
    return only_device({"cameras": [camera(battery="ok", signals=signals)]})


# --- the real homescreen capture ------------------------------------------------------------------

EXPECTED_HOMESCREEN_DEVICES = (
    DeviceSnapshot(
        serial=SYNC_SERIAL,
        blink_id=3000002,
        name="My Blink Sync Module",
        product_code="sm2",
        kind=DeviceKind.SYNC_MODULE,
        power_source=PowerSource.MAINS,
        network_id=SYNC_NETWORK,
        subtype="vinnie",
        status="online",
        wifi_bars=1,
        firmware="4.4.8",
        updated_at=at("2022-03-13T20:03:20"),
        last_heartbeat=at("2022-03-13T20:09:25"),
    ),
    DeviceSnapshot(
        serial="B0000002",
        blink_id=4000002,
        name="Driveway",
        product_code="catalina",
        kind=DeviceKind.CAMERA,
        power_source=PowerSource.BATTERY,
        network_id=SYNC_NETWORK,
        sync_module_serial=SYNC_SERIAL,
        status="done",
        battery_state="ok",
        battery_bars=3,
        wifi_bars=5,
        sync_signal_bars=5,
        temperature_f=23.0,
        firmware="10.53",
        updated_at=at("2022-03-13T18:57:49"),
    ),
    DeviceSnapshot(
        serial="123456789",
        blink_id=123456,
        name="Back Yard",
        product_code="xt",
        kind=DeviceKind.CAMERA,
        power_source=PowerSource.BATTERY,
        network_id=SYNC_NETWORK,
        sync_module_serial=SYNC_SERIAL,
        status="offline",
        battery_state="low",
        battery_bars=3,
        wifi_bars=1,
        sync_signal_bars=5,
        temperature_f=75.0,
        firmware="2.151",
        updated_at=at("2020-07-31T11:32:14"),
    ),
    DeviceSnapshot(
        serial="G8T1940001731ABC",
        blink_id=198899,
        name="Workshop",
        product_code="owl",
        kind=DeviceKind.MINI,
        power_source=PowerSource.MAINS,
        network_id=2000003,
        status="online",
        firmware="9.77",
        updated_at=at("2022-04-06T23:01:46"),
    ),
)


def test_homescreen_capture_gives_every_device_with_its_health() -> None:
    assert parse(load_fixture("homescreen.json")) == AccountSnapshot(
        account_id=ACCOUNT_ID,
        taken_at=TAKEN_AT,
        devices=EXPECTED_HOMESCREEN_DEVICES,
        network_names={SYNC_NETWORK: "Home"},
        skipped=(),
    )


def test_homescreen_timestamps_are_timezone_aware() -> None:
    for device in parse(load_fixture("homescreen.json")).devices:
        for moment in (device.updated_at, device.last_heartbeat):
            assert moment is None or moment.utcoffset() is not None


def test_mini_never_shows_a_battery_even_on_a_sync_module_network() -> None:
    """Home Assistant core reports Minis as "battery low"; here a Mini has no battery at all."""
    mini = only_device(
        {"owls": [{"id": 7, "serial": "G8T1", "type": "owl", "network_id": 2000001}]}
    )
    assert mini.kind is DeviceKind.MINI
    assert mini.power_source is PowerSource.MAINS
    assert (mini.battery_state, mini.battery_bars, mini.sync_module_serial) == (None, None, None)


@pytest.mark.parametrize(
    ("list_name", "entry", "power_source", "battery_state"),
    [
        ("cameras", {"battery": "low"}, PowerSource.BATTERY, "low"),
        ("cameras", {}, PowerSource.MAINS, None),
        ("doorbells", {"battery": "ok"}, PowerSource.BATTERY, "ok"),
        ("doorbells", {}, PowerSource.MAINS, None),
        # Sync modules are always on mains, whatever key Blink adds one day.
        ("sync_modules", {"battery": "low"}, PowerSource.MAINS, None),
        ("owls", {"type": "superior"}, PowerSource.MAINS, None),
    ],
)
def test_power_source_follows_the_battery_key(
    list_name: str, entry: dict[str, Any], power_source: PowerSource, battery_state: str | None
) -> None:
    device = only_device({list_name: [camera(signals={"battery": 2}) | entry]})
    assert device.power_source is power_source
    assert device.battery_state == battery_state
    assert device.battery_bars == (2 if power_source is PowerSource.BATTERY else None)


def test_wired_floodlight_listed_among_owls_is_a_floodlight() -> None:
    floodlight = only_device({"owls": [camera(type="superior")]})
    assert (floodlight.kind, floodlight.product_code) == (DeviceKind.FLOODLIGHT, "superior")


@pytest.mark.parametrize(
    ("doorbell_mode", "sync_module_serial"),
    [("lfr", SYNC_SERIAL), ("wifi", None), (None, None)],
)
def test_doorbell_reports_through_the_sync_module_only_in_lfr_mode(
    doorbell_mode: str | None, sync_module_serial: str | None
) -> None:
    doorbell = camera(id=5, serial="DB1", type="lotus", battery="ok", doorbell_mode=doorbell_mode)
    devices = parse({"sync_modules": [sync_module()], "doorbells": [doorbell]}).by_serial()
    assert devices["DB1"].kind is DeviceKind.DOORBELL
    assert devices["DB1"].sync_module_serial == sync_module_serial


def test_camera_takes_the_sync_module_of_its_own_network() -> None:
    snapshot = parse(
        {
            "sync_modules": [sync_module(), sync_module(id=3, serial="A9", network_id=9)],
            "cameras": [
                camera(),
                camera(id=8, serial="B9", network_id=9),
                camera(id=7, serial="B77", network_id=77),
            ],
        }
    )
    behind = {device.serial: device.sync_module_serial for device in snapshot.devices}
    assert behind == {
        SYNC_SERIAL: None,
        "A9": None,
        "B0000002": SYNC_SERIAL,
        "B9": "A9",
        "B77": None,
    }


def test_network_names_skip_unusable_networks() -> None:
    networks = [
        {"id": 1, "name": "Home"},
        {"id": "2", "name": " Cabin "},
        {"id": 3, "name": ""},
        {"name": "no id"},
        {"id": True, "name": "bool id"},
        "not an object",
    ]
    assert parse({"networks": networks}).network_names == {1: "Home", 2: "Cabin"}


# --- camera config --------------------------------------------------------------------------------


def test_xt2_camera_config_capture() -> None:
    assert parse_camera_config(
        load_fixture("camera_config_xt2.json"), "831350271", TAKEN_AT
    ) == CameraConfigSnapshot(
        serial="831350271",
        taken_at=TAKEN_AT,
        battery_voltage=1.55,
        wifi_dbm=-51,
        sync_signal_dbm=-56,
        ac_power=False,
        temperature_f=73.0,  # the calibrated signals.temp, as the homescreen shows it (raw: 77)
        battery_state="ok",
        battery_check_time=at("2020-06-01T15:36:37"),
    )


def test_white_camera_with_low_battery_and_unknown_wifi() -> None:
    config = parse_config(load_fixture("camera_config_white_low.json"))
    assert config.battery_voltage == pytest.approx(1.33)
    assert config.battery_state == "low"
    assert config.wifi_dbm is None  # -255 is Blink's "unknown", not a signal level


@pytest.mark.parametrize(
    ("hundredths", "volts"),
    [
        (163, 1.63),
        ("163", 1.63),
        (180.0, 1.8),
        (0, None),  # placeholder for "not measured"
        (900, None),  # 9 V cannot come from two AA cells
        (-150, None),
        (None, None),
        (True, None),
        ("1.6 V", None),
    ],
)
def test_battery_voltage_in_volts(hundredths: Any, volts: float | None) -> None:
    config = parse_config({"camera": [{"battery_voltage": hundredths}]})
    assert config.battery_voltage == (None if volts is None else pytest.approx(volts))


def test_battery_voltage_falls_back_to_the_last_connection() -> None:
    config = parse_config({"camera": [{"last_connect": {"battery_voltage": 171}}]})
    assert config.battery_voltage == pytest.approx(1.71)


@pytest.mark.parametrize(
    ("wifi_strength", "dbm"),
    [(-51, -51), ("-67", -67), (-255, None), (0, None), (-121, None), (-51.5, None), (None, None)],
)
def test_wifi_dbm_keeps_only_real_signal_levels(wifi_strength: Any, dbm: int | None) -> None:
    config = parse_config({"camera": [{"wifi_strength": wifi_strength, "lfr_strength": -255}]})
    assert (config.wifi_dbm, config.sync_signal_dbm) == (dbm, None)


@pytest.mark.parametrize(
    ("camera_fields", "ac_power"),
    [
        ({"last_connect": {"ac_power": True}}, True),
        ({"last_connect": {"ac_power": False}, "ac_power": True}, False),
        ({"ac_power": True}, True),
        ({"last_connect": {"ac_power": "true"}}, None),
        ({"last_connect": {"ac_power": 1}}, None),
        ({"last_connect": "offline"}, None),
        ({}, None),
    ],
)
def test_external_power_comes_from_the_last_connection(
    camera_fields: dict[str, Any], ac_power: bool | None
) -> None:
    assert parse_config({"camera": [camera_fields]}).ac_power is ac_power


def test_battery_state_read_from_the_signals_beside_the_camera() -> None:
    """Blink puts `signals` next to the `camera` list, not inside it (blinkpy misses it)."""
    config = parse_config({"camera": [{"id": 1}], "signals": {"battery_state": "low"}})
    assert config.battery_state == "low"


@pytest.mark.parametrize(
    "camera_value",
    [{"battery_voltage": 150}, [{"battery_voltage": 150}, {"battery_voltage": 120}]],
)
def test_camera_config_accepts_an_object_or_a_list(camera_value: Any) -> None:
    assert parse_config({"camera": camera_value}).battery_voltage == pytest.approx(1.5)


@pytest.mark.parametrize("camera_value", [[], ["x"], None, "camera", 5])
def test_unusable_camera_config_gives_an_empty_snapshot(camera_value: Any) -> None:
    assert parse_config({"camera": camera_value}) == CameraConfigSnapshot(
        serial="B0000002", taken_at=TAKEN_AT
    )


# --- error bodies ---------------------------------------------------------------------------------

PARSERS: list[Callable[[Any], object]] = [parse, parse_config]


@pytest.mark.parametrize("parser", PARSERS, ids=["homescreen", "camera_config"])
@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"message": "Unauthorized Access", "error": None, "code": 101}, AuthFailedError),
        ({"message": "Unauthorized Access", "code": "101"}, AuthFailedError),
        ({"message": "System is busy, please wait", "error": None, "code": 307}, RateLimitedError),
        ({"code": 307.0, "cameras": []}, RateLimitedError),
        ([], CloudUnreachableError),
        ([{"code": 101}], CloudUnreachableError),
        (None, CloudUnreachableError),
        ("Unauthorized Access", CloudUnreachableError),
        (101, CloudUnreachableError),
    ],
)
def test_error_bodies_become_typed_errors(
    parser: Callable[[Any], object], body: Any, error: type[BlinkCareError]
) -> None:
    with pytest.raises(BlinkCareError) as raised:
        parser(body)
    assert raised.type is error


@pytest.mark.parametrize("code", [103, True, "OK", None, 101.5])
def test_other_codes_are_data_not_errors(code: Any) -> None:
    snapshot = parse({"code": code, "message": "OK", "cameras": [camera()]})
    assert [device.serial for device in snapshot.devices] == ["B0000002"]


# --- robustness of the homescreen -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "bars"),
    [
        (3, 3),
        ("3", 3),
        (" 2 ", 2),
        (1.0, 1),
        (0, 0),
        (True, None),  # a bool is not a bar count
        (False, None),
        (4, None),
        (-1, None),
        (2.5, None),
        ("three", None),
        (None, None),
        ([3], None),
        ({"bars": 3}, None),
        (float("nan"), None),
    ],
)
def test_battery_bars_are_read_or_left_unknown(raw: Any, bars: int | None) -> None:
    assert camera_with_signals(battery=raw).battery_bars == bars


@pytest.mark.parametrize(
    ("raw", "bars"), [(5, 5), ("0", 0), (6, None), (False, None), (float("inf"), None)]
)
def test_wifi_and_lfr_bars_are_read_or_left_unknown(raw: Any, bars: int | None) -> None:
    device = camera_with_signals(wifi=raw, lfr=raw)
    assert (device.wifi_bars, device.sync_signal_bars) == (bars, bars)


@pytest.mark.parametrize(
    ("raw", "fahrenheit"), [(75, 75.0), ("68.5", 68.5), (-20, -20.0), (201, None), (True, None)]
)
def test_temperature_is_read_or_left_unknown(raw: Any, fahrenheit: float | None) -> None:
    assert camera_with_signals(temp=raw).temperature_f == fahrenheit


@pytest.mark.parametrize("signals", [None, [], "5 bars", 3])
def test_unusable_signals_leave_readings_unknown_but_keep_the_device(signals: Any) -> None:
    device = only_device({"cameras": [camera(battery="ok", signals=signals, status="online")]})
    assert (device.status, device.battery_state) == ("online", "ok")
    readings = (device.battery_bars, device.wifi_bars, device.sync_signal_bars)
    assert (readings, device.temperature_f) == ((None, None, None), None)


@pytest.mark.parametrize(
    ("raw", "moment"),
    [
        ("2022-03-13T20:09:25+00:00", at("2022-03-13T20:09:25")),
        ("2022-03-13T20:09:25Z", at("2022-03-13T20:09:25")),
        ("2022-03-13T20:09:25", at("2022-03-13T20:09:25")),  # naive: Blink means UTC
        (
            "2022-03-13T21:09:25+01:00",
            datetime(2022, 3, 13, 21, 9, 25, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("yesterday", None),
        ("2022-02-30T00:00:00", None),
        (20210204, None),
        ("", None),
        (None, None),
    ],
)
def test_timestamps_are_aware_or_unknown(raw: Any, moment: datetime | None) -> None:
    device = only_device({"sync_modules": [sync_module(updated_at=raw, last_hb=raw)]})
    assert (device.updated_at, device.last_heartbeat) == (moment, moment)
    if moment is not None:
        assert device.updated_at is not None
        assert device.updated_at.utcoffset() == moment.utcoffset()


def test_ids_and_serials_given_as_other_json_types_are_normalised() -> None:
    device = only_device({"cameras": [{"id": "4000002", "serial": 123456789, "network_id": "9"}]})
    assert (device.blink_id, device.serial, device.network_id) == (4000002, "123456789", 9)
    assert device.name == "123456789"  # no name: the serial is what the user can recognise


@pytest.mark.parametrize(
    ("cameras", "reason"),
    [
        ({"0": camera()}, "'cameras' is not a list"),
        ("none", "'cameras' is not a list"),
        ([None], "entry of 'cameras' is not an object"),
        ([[camera()]], "entry of 'cameras' is not an object"),
        (["B0000002"], "entry of 'cameras' is not an object"),
    ],
)
def test_unusable_camera_lists_are_skipped_with_a_reason(cameras: Any, reason: str) -> None:
    snapshot = parse({"sync_modules": [sync_module()], "cameras": cameras})
    assert [device.serial for device in snapshot.devices] == [SYNC_SERIAL]
    assert snapshot.skipped == (reason,)


def test_missing_cameras_list_is_not_an_error() -> None:
    snapshot = parse({"sync_modules": [sync_module()], "networks": []})
    assert [device.serial for device in snapshot.devices] == [SYNC_SERIAL]
    assert snapshot.skipped == ()


def test_unknown_device_lists_are_ignored() -> None:
    snapshot = parse({"cameras": [camera()], "hawks": [camera(id=9, serial="H9")], "sirens": [1]})
    assert [device.serial for device in snapshot.devices] == ["B0000002"]
    assert snapshot.skipped == ()


@pytest.mark.parametrize(
    ("list_name", "code", "kind"),
    [
        ("cameras", "hawk", DeviceKind.CAMERA),
        ("owls", "owl2k", DeviceKind.MINI),
        ("doorbells", "orchid", DeviceKind.DOORBELL),
        ("sync_modules", "sm3", DeviceKind.SYNC_MODULE),
    ],
)
def test_unknown_product_codes_are_kept(list_name: str, code: str, kind: DeviceKind) -> None:
    device = only_device({list_name: [camera(type=code)]})
    assert (device.product_code, device.kind) == (code, kind)


def test_duplicate_serial_keeps_the_first_device() -> None:
    snapshot = parse(
        {"cameras": [camera(name="Driveway"), camera(id=99, name="Copy")], "owls": [camera(id=98)]}
    )
    assert [(device.serial, device.name) for device in snapshot.devices] == [
        ("B0000002", "Driveway")
    ]
    assert snapshot.skipped == ("duplicate serial in camera", "duplicate serial in mini")


@pytest.mark.parametrize(
    "entry",
    [
        {"serial": "B1", "network_id": 1},
        {"id": None, "serial": "B1"},
        {"id": True, "serial": "B1"},
        {"id": 1.5, "serial": "B1"},
        {"id": 4, "serial": None},
        {"id": 4, "serial": " "},
    ],
)
def test_entry_without_id_or_serial_is_skipped_with_a_reason(entry: dict[str, Any]) -> None:
    snapshot = parse({"cameras": [entry, camera()]})
    assert [device.serial for device in snapshot.devices] == ["B0000002"]
    assert snapshot.skipped == ("camera without id or serial",)


def test_sync_less_mini_without_serial_is_named_after_network_and_id() -> None:
    mini = only_device({"owls": [{"id": 198899, "serial": None, "network_id": 2000003}]})
    assert mini.serial == "2000003-198899"


# --- values that once crashed or were mangled (found by these tests) -----------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"code": HUGE},
        {"cameras": [camera(id=HUGE)]},
        {"cameras": [camera(network_id=-HUGE)]},
        {"cameras": [camera(battery="ok", signals={"battery": HUGE, "temp": HUGE})]},
        {"networks": [{"id": HUGE, "name": "Home"}]},
    ],
)
def test_huge_integers_are_unknown_values_not_crashes(body: dict[str, Any]) -> None:
    readings = [(device.battery_bars, device.temperature_f) for device in parse(body).devices]
    assert set(readings) <= {(None, None)}


@pytest.mark.parametrize(
    "body",
    [{"code": HUGE}, {"camera": [{"battery_voltage": HUGE, "wifi_strength": -HUGE}]}],
)
def test_huge_integers_in_camera_config_are_unknown_values(body: dict[str, Any]) -> None:
    config = parse_config(body)
    assert (config.battery_voltage, config.wifi_dbm) == (None, None)


@pytest.mark.parametrize("raw_id", [BEYOND_FLOAT_PRECISION, str(BEYOND_FLOAT_PRECISION)])
def test_large_ids_are_kept_exactly(raw_id: int | str) -> None:
    mini = only_device({"owls": [{"id": raw_id, "serial": None, "network_id": 2000003}]})
    assert mini.blink_id == BEYOND_FLOAT_PRECISION
    assert mini.serial == f"2000003-{BEYOND_FLOAT_PRECISION}"


@pytest.mark.parametrize("temperature", [5000, -255, 1e300])
def test_camera_config_temperature_outside_the_plausible_range_is_unknown(
    temperature: float,
) -> None:
    assert parse_config({"camera": [{"temperature": temperature}]}).temperature_f is None
