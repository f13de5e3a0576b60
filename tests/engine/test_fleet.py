"""The fleet model: one record per device, camera config schedule, event decisions, removal."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
import json

import pytest

from custom_components.blink_care.client.models import (
    AccountSnapshot,
    CameraConfigSnapshot,
    DeviceKind,
    DeviceSnapshot,
    PowerSource,
)
from custom_components.blink_care.engine import fleet as fleet_module
from custom_components.blink_care.engine.battery import BatterySettings
from custom_components.blink_care.engine.catalog import ModelEntry, model_for
from custom_components.blink_care.engine.connectivity import Connectivity
from custom_components.blink_care.engine.fleet import (
    CAMERA_CONFIG_INTERVAL,
    CONFIG_RETRY_AFTER,
    STALE_DEVICE_AFTER,
    EventKind,
    Fleet,
    reports_voltage,
)

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLL = timedelta(minutes=2)
GRACE = timedelta(minutes=10)


def camera(serial: str, **fields: object) -> DeviceSnapshot:
    """A battery camera on the sync module's network."""
    snapshot = DeviceSnapshot(
        serial=serial,
        blink_id=sum(map(ord, serial)),
        name=f"Camera {serial}",
        product_code="sedona",
        kind=DeviceKind.CAMERA,
        power_source=PowerSource.BATTERY,
        network_id=1,
        sync_module_serial="SM-1",
        status="done",
        battery_state="ok",
        battery_bars=3,
    )
    return replace(snapshot, **fields)


SYNC_MODULE = DeviceSnapshot(
    serial="SM-1",
    blink_id=1,
    name="Sync Module",
    product_code="sm2",
    kind=DeviceKind.SYNC_MODULE,
    power_source=PowerSource.MAINS,
    network_id=1,
    status="online",
)


def account(now: datetime, *devices: DeviceSnapshot) -> AccountSnapshot:
    return AccountSnapshot(account_id="acct", taken_at=now, devices=devices)


def config(serial: str, now: datetime, volts: float | None = 1.62) -> CameraConfigSnapshot:
    return CameraConfigSnapshot(serial=serial, taken_at=now, battery_voltage=volts)


def new_fleet() -> Fleet:
    return Fleet(BatterySettings(), GRACE)


def test_reports_voltage_only_for_battery_cameras_on_a_sync_module() -> None:
    assert reports_voltage(camera("C1"))
    assert not reports_voltage(camera("C1", network_id=None))
    assert not reports_voltage(camera("C1", kind=DeviceKind.DOORBELL))
    assert not reports_voltage(camera("C1", power_source=PowerSource.MAINS))
    assert not reports_voltage(SYNC_MODULE)


def test_camera_configs_one_per_poll_then_every_six_hours() -> None:
    """Each camera is due at once when new; once read, again after six hours."""
    fleet = new_fleet()
    now = START
    devices = (SYNC_MODULE, camera("C1"), camera("C2"))
    read = []
    for _ in range(3):
        due = fleet.config_due(account(now, *devices), now)
        fetched = None if due is None else config(due.serial, now)
        read.append(None if due is None else due.serial)
        fleet.observe(account(now, *devices), fetched, now)
        now += POLL
    assert read == ["C1", "C2", None]
    later = START + CAMERA_CONFIG_INTERVAL
    assert fleet.config_due(account(later, *devices), later) == devices[1]


def test_a_status_change_asks_for_the_config_at_once_and_a_failure_waits() -> None:
    fleet = new_fleet()
    now = START
    fleet.observe(account(now, camera("C1")), config("C1", now), now)
    now += POLL
    changed = camera("C1", battery_state="low")
    assert fleet.config_due(account(now, changed), now) == changed
    fleet.config_failed("C1", now + CONFIG_RETRY_AFTER, now)
    assert fleet.config_due(account(now, changed), now) is None
    fleet.observe(account(now, changed), None, now)
    # Still wanted after the failure: asked for as soon as the retry time has come.
    now += CONFIG_RETRY_AFTER
    assert fleet.config_due(account(now, changed), now) == changed
    fleet.observe(account(now, changed), config("C1", now), now)
    assert fleet.config_due(account(now + POLL, changed), now + POLL) is None


def test_battery_low_is_announced_once_per_battery_cycle() -> None:
    """Blink's own "low" at a normal temperature: one event per battery cycle, not per poll."""
    fleet = new_fleet()
    now = START
    low = camera("C1", battery_state="low", battery_bars=1, temperature_f=60.0)
    kinds = []
    for _ in range(int(timedelta(days=2) / POLL)):
        observation = fleet.observe(account(now, low), None, now)
        kinds += [event.kind for event in observation.events]
        now += POLL
    assert kinds.count(EventKind.BATTERY_LOW) == 1
    assert fleet.records["C1"].low_announced_at is not None

    assessment, state = fleet.record_replacement("C1", now, observation.fleet)
    assert assessment.last_replaced is not None
    assert state is not None
    assert state.devices["C1"].battery == assessment
    assert fleet.config_due(account(now, low), now) == low  # the new cells' voltage, soon
    for _ in range(int(timedelta(days=2) / POLL)):
        observation = fleet.observe(account(now, low), None, now)
        kinds += [event.kind for event in observation.events]
        now += POLL
    assert kinds.count(EventKind.BATTERY_LOW) == 2


def test_offline_and_back_are_events_with_the_device() -> None:
    fleet = new_fleet()
    now = START
    fleet.observe(account(now, camera("C1", sync_module_serial=None)), None, now)
    kinds = []
    for status in ["offline"] * 7 + ["online"]:
        now += POLL
        device = camera("C1", sync_module_serial=None, status=status)
        observation = fleet.observe(account(now, device), None, now)
        kinds += [(event.kind, event.device.serial) for event in observation.events]
    assert kinds == [(EventKind.DEVICE_OFFLINE, "C1"), (EventKind.DEVICE_ONLINE, "C1")]


def test_absent_for_thirty_days_is_stale_and_forgetting_starts_afresh() -> None:
    fleet = new_fleet()
    fleet.observe(account(START, SYNC_MODULE, camera("C1")), None, START)
    almost = START + STALE_DEVICE_AFTER - POLL
    assert fleet.observe(account(almost, SYNC_MODULE), None, almost).stale == ()
    later = START + STALE_DEVICE_AFTER
    assert fleet.observe(account(later, SYNC_MODULE), None, later).stale == ("C1",)

    fleet.forget("C1")
    assert "C1" not in fleet.records
    assert "C1" not in fleet.connectivity.to_dict()["devices"]
    back = later + POLL
    observation = fleet.observe(account(back, SYNC_MODULE, camera("C1")), None, back)
    assert fleet.records["C1"].first_seen == back
    assert observation.fleet.devices["C1"].connectivity.state is Connectivity.ONLINE


def test_the_catalog_model_is_looked_up_once_per_device(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[tuple[str | None, ...]] = []

    def counted(
        code: str | None, subtype: str | None = None, kind: DeviceKind | None = None
    ) -> ModelEntry:
        lookups.append((code, subtype))
        return model_for(code, subtype, kind)

    monkeypatch.setattr(fleet_module, "model_for", counted)
    fleet = new_fleet()
    now = START
    for _ in range(5):
        observation = fleet.observe(account(now, SYNC_MODULE, camera("C1")), None, now)
        now += POLL
    assert len(lookups) == 2
    assert observation.fleet.devices["C1"].model.name
    renamed = camera("C1", product_code="catalina")
    fleet.observe(account(now, SYNC_MODULE, renamed), None, now)
    assert len(lookups) == 3


def test_storing_reads_only_and_round_trips() -> None:
    """Serialising changes nothing; a restored fleet stores exactly the same."""
    fleet = new_fleet()
    now = START
    for _ in range(3):
        fleet.observe(account(now, SYNC_MODULE, camera("C1")), config("C1", now), now)
        now += POLL
    first = json.dumps(fleet.to_stored(), sort_keys=True)
    assert json.dumps(fleet.to_stored(), sort_keys=True) == first
    restored = Fleet.from_stored(json.loads(first), BatterySettings(), GRACE, now)
    assert json.dumps(restored.to_stored(), sort_keys=True) == first
    assert restored.records["C1"].config_fetched_at == START + 2 * POLL


def test_damaged_stored_records_are_read_as_far_as_they_go() -> None:
    stored = {
        "devices": {"C1": "garbage", "C2": {"first_seen": "yesterday", "battery": []}},
        "connectivity": [],
    }
    fleet = Fleet.from_stored(stored, BatterySettings(), GRACE, START)
    assert fleet.records["C1"].first_seen == START
    assert fleet.records["C2"].first_seen == START
    assert fleet.records["C2"].stored_battery == {}
    naive = {"devices": {"C3": {"first_seen": "2026-01-01T00:00:00"}}}
    assert Fleet.from_stored(naive, BatterySettings(), GRACE, START).records["C3"].first_seen == (
        START
    )
