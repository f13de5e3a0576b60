"""Connectivity state machine: grace, sync module outages and cloud outages, with time travel."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json

import pytest

from custom_components.blink_care.client.models import (
    AccountSnapshot,
    DeviceKind,
    DeviceSnapshot,
    PowerSource,
)
from custom_components.blink_care.engine.connectivity import (
    Connectivity,
    ConnectivityTracker,
    DeviceConnectivity,
    OfflineReason,
    Transition,
)

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLL = timedelta(minutes=5)
GRACE = timedelta(minutes=10)
SYNC = "SM-1"
CAMERAS = ("CAM-1", "CAM-2", "CAM-3")
ONLINE = Connectivity.ONLINE
OFFLINE = Connectivity.OFFLINE
BEHIND = Connectivity.BEHIND_OFFLINE_SYNC_MODULE
UNKNOWN = Connectivity.UNKNOWN


def device(
    serial: str,
    status: str | None,
    *,
    kind: DeviceKind = DeviceKind.CAMERA,
    sync_module: str | None = None,
    updated_at: datetime | None = None,
    last_heartbeat: datetime | None = None,
) -> DeviceSnapshot:
    return DeviceSnapshot(
        serial=serial,
        blink_id=sum(map(ord, serial)),
        name=f"Device {serial}",
        product_code="xt2",
        kind=kind,
        power_source=PowerSource.BATTERY,
        sync_module_serial=sync_module,
        status=status,
        updated_at=updated_at,
        last_heartbeat=last_heartbeat,
    )


@dataclass
class Home:
    """A simulated account polled every five minutes: statuses in, transitions out."""

    tracker: ConnectivityTracker = field(default_factory=lambda: ConnectivityTracker(GRACE))
    now: datetime = START
    transitions: list[Transition] = field(default_factory=list)

    def poll(self, *devices: DeviceSnapshot) -> list[Transition]:
        """Advance one poll interval and feed one successful homescreen."""
        self.now += POLL
        snapshot = AccountSnapshot(account_id="acct", taken_at=self.now, devices=devices)
        found = self.tracker.observe(snapshot, self.now)
        self.transitions += found
        return found

    def first_poll(self, *devices: DeviceSnapshot) -> None:
        """Poll once to meet the devices: only first sightings, then a clean record."""
        found = self.poll(*devices)
        assert all(t.old is UNKNOWN and not t.went_offline for t in found)
        self.transitions.clear()

    def poll_for(self, duration: timedelta, *devices: DeviceSnapshot) -> list[Transition]:
        """Poll the same report repeatedly for `duration`."""
        found: list[Transition] = []
        for _ in range(duration // POLL):
            found += self.poll(*devices)
        return found

    def fail_for(self, duration: timedelta) -> list[Transition]:
        """Fail every poll for `duration` (cloud unreachable or rate limited)."""
        found: list[Transition] = []
        for _ in range(duration // POLL):
            self.now += POLL
            found += self.tracker.cloud_unavailable(self.now)
        self.transitions += found
        return found

    def state(self, serial: str) -> Connectivity:
        """Say what the tracker shows for a device now."""
        return self.tracker.state(serial).state

    def events(self) -> list[tuple[str, str]]:
        """List the offline/online events the glue would fire, in order."""
        return [
            (t.serial, "offline" if t.went_offline else "online")
            for t in self.transitions
            if t.went_offline or t.came_back
        ]


def sync_home(camera_status: dict[str, str], sync_status: str = "online") -> list[DeviceSnapshot]:
    """Build a sync module and its cameras with the given statuses."""
    sync_module = device(SYNC, sync_status, kind=DeviceKind.SYNC_MODULE)
    cameras = [device(serial, status, sync_module=SYNC) for serial, status in camera_status.items()]
    return [sync_module, *cameras]


def test_camera_offline_past_grace_and_back_reports_downtime():
    home = Home()
    home.poll(device("CAM-1", "online"))
    went_offline_at = home.now + POLL

    assert home.poll(device("CAM-1", "offline")) == []
    assert home.state("CAM-1") is ONLINE  # inside the grace period
    assert home.poll(device("CAM-1", "offline")) == []
    [offline] = home.poll(device("CAM-1", "offline"))

    assert home.now - went_offline_at == GRACE
    assert (offline.old, offline.new, offline.reason) == (ONLINE, OFFLINE, "device_offline")
    assert offline.went_offline
    assert offline.offline_since == went_offline_at
    assert home.tracker.state("CAM-1") == DeviceConnectivity(
        OFFLINE, OfflineReason.DEVICE_OFFLINE, went_offline_at, START + POLL, None, None
    )
    assert home.tracker.offline_count() == 1

    home.poll_for(timedelta(minutes=45), device("CAM-1", "offline"))
    [back] = home.poll(device("CAM-1", "online"))

    assert back.came_back
    assert back.offline_since == went_offline_at
    assert back.downtime_seconds == (home.now - went_offline_at).total_seconds() == 3600
    state = home.tracker.state("CAM-1")
    assert (state.state, state.reason, state.offline_since) == (ONLINE, None, None)
    assert state.back_online_at == home.now
    assert state.last_outage_seconds == 3600
    assert home.events() == [("CAM-1", "offline"), ("CAM-1", "online")]


def test_offline_reports_shorter_than_grace_never_flap():
    home = Home()
    home.first_poll(device("CAM-1", "online"))
    for _ in range(6):
        home.poll(device("CAM-1", "offline"))
        home.poll(device("CAM-1", "offline"))  # 5 minutes of evidence: under the 10 of grace
        home.poll(device("CAM-1", "online"))

    assert home.transitions == []
    assert home.state("CAM-1") is ONLINE


def test_grace_zero_goes_offline_on_the_first_report():
    home = Home(tracker=ConnectivityTracker(timedelta(0)))
    home.poll(device("CAM-1", "online"))

    [offline] = home.poll(device("CAM-1", "offline"))

    assert offline.went_offline
    assert offline.offline_since == home.now


def test_grace_changed_at_runtime_applies_to_a_run_in_progress():
    home = Home(tracker=ConnectivityTracker(timedelta(minutes=30)))
    home.poll(device("CAM-1", "online"))
    home.poll_for(timedelta(minutes=20), device("CAM-1", "offline"))
    assert home.state("CAM-1") is ONLINE

    home.tracker.grace = timedelta(minutes=15)
    [offline] = home.poll(device("CAM-1", "offline"))
    assert offline.went_offline


def test_sync_module_outage_is_one_offline_device_and_cameras_behind_it():
    home = Home()
    all_online = dict.fromkeys(CAMERAS, "done")
    home.poll(*sync_home(all_online))
    outage_start = home.now + POLL

    home.poll_for(timedelta(minutes=30), *sync_home(dict.fromkeys(CAMERAS, "offline"), "offline"))

    assert home.state(SYNC) is OFFLINE
    for camera in CAMERAS:
        state = home.tracker.state(camera)
        assert state.state is BEHIND
        assert state.reason is OfflineReason.SYNC_MODULE_OFFLINE
        assert state.offline_since == outage_start
    assert home.tracker.offline_count() == 1
    assert home.events() == [(SYNC, "offline")]
    behind = [t for t in home.transitions if t.new is BEHIND]
    assert sorted(t.serial for t in behind) == sorted(CAMERAS)
    assert all(t.reason is OfflineReason.SYNC_MODULE_OFFLINE for t in behind)

    returns = home.poll(*sync_home(all_online))

    assert [home.state(serial) for serial in (SYNC, *CAMERAS)] == [ONLINE] * 4
    assert home.events() == [(SYNC, "offline"), (SYNC, "online")]
    outage_seconds = (home.now - outage_start).total_seconds()
    assert {(t.serial, t.old, t.reason, t.downtime_seconds) for t in returns} == {
        (SYNC, OFFLINE, OfflineReason.DEVICE_OFFLINE, outage_seconds),
        *(
            (camera, BEHIND, OfflineReason.SYNC_MODULE_OFFLINE, outage_seconds)
            for camera in CAMERAS
        ),
    }


def test_sync_module_back_with_one_camera_really_offline():
    home = Home()
    home.poll(*sync_home(dict.fromkeys(CAMERAS, "done")))
    home.poll_for(GRACE + POLL, *sync_home(dict.fromkeys(CAMERAS, "offline"), "offline"))
    assert home.state(SYNC) is OFFLINE

    after_outage = {"CAM-1": "done", "CAM-2": "done", "CAM-3": "offline"}
    home.poll(*sync_home(after_outage))
    camera_seen_offline_at = home.now

    # Grace starts afresh after the return: no offline for the slow camera yet.
    assert home.state("CAM-3") is ONLINE
    assert home.tracker.wants_quick_poll()
    home.poll(*sync_home(after_outage))
    assert home.state("CAM-3") is ONLINE

    [offline] = home.poll(*sync_home(after_outage))

    assert offline.serial == "CAM-3"
    assert offline.went_offline
    assert offline.offline_since == camera_seen_offline_at
    assert home.events() == [(SYNC, "offline"), (SYNC, "online"), ("CAM-3", "offline")]


def test_camera_that_reconnects_slowly_after_sync_module_return_is_never_offline():
    home = Home()
    home.poll(*sync_home({"CAM-1": "done"}))
    home.poll_for(timedelta(hours=1), *sync_home({"CAM-1": "offline"}, "offline"))
    home.poll(*sync_home({"CAM-1": "offline"}))  # sync module back, camera still stale
    home.poll(*sync_home({"CAM-1": "offline"}))
    home.poll(*sync_home({"CAM-1": "done"}))

    assert home.events() == [(SYNC, "offline"), (SYNC, "online")]
    assert home.state("CAM-1") is ONLINE


def test_sync_module_blip_inside_grace_changes_no_camera():
    home = Home()
    home.first_poll(*sync_home(dict.fromkeys(CAMERAS, "done")))
    home.poll_for(GRACE - POLL, *sync_home(dict.fromkeys(CAMERAS, "offline"), "offline"))
    home.poll(*sync_home(dict.fromkeys(CAMERAS, "done")))

    assert home.transitions == []


def test_camera_offline_before_its_sync_module_keeps_its_own_outage():
    home = Home()
    home.poll(*sync_home({"CAM-1": "done", "CAM-2": "done"}))
    home.poll_for(GRACE + POLL, *sync_home({"CAM-1": "offline", "CAM-2": "done"}))
    camera_offline_since = home.tracker.state("CAM-1").offline_since

    home.poll_for(GRACE + POLL, *sync_home({"CAM-1": "offline", "CAM-2": "offline"}, "offline"))
    assert (home.state("CAM-1"), home.state("CAM-2")) == (OFFLINE, BEHIND)
    home.poll_for(timedelta(minutes=30), *sync_home({"CAM-1": "offline", "CAM-2": "done"}))
    [back] = home.poll(*sync_home({"CAM-1": "online", "CAM-2": "done"}))

    assert back.came_back
    assert back.offline_since == camera_offline_since
    assert home.events() == [
        ("CAM-1", "offline"),
        (SYNC, "offline"),
        (SYNC, "online"),
        ("CAM-1", "online"),
    ]


def test_thirty_minute_cloud_outage_produces_no_offline_and_no_event():
    home = Home()
    everyone = [*sync_home(dict.fromkeys(CAMERAS, "done")), device("MINI-1", "online")]
    home.first_poll(*everyone)

    assert home.fail_for(timedelta(minutes=30)) == []
    reachable_during_outage = home.tracker.have_device_data
    assert not reachable_during_outage
    for serial in (SYNC, *CAMERAS, "MINI-1"):
        state = home.tracker.state(serial)
        assert (state.state, state.reason, state.offline_since) == (UNKNOWN, None, None)
    assert home.tracker.offline_count() == 0

    assert home.poll(*everyone) == []
    assert home.tracker.have_device_data
    assert [home.state(serial) for serial in (SYNC, *CAMERAS, "MINI-1")] == [ONLINE] * 5


def test_grace_timer_pauses_while_the_cloud_is_unreachable():
    home = Home()
    home.poll(device("CAM-1", "online"))
    home.poll(device("CAM-1", "offline"))
    first_offline_report = home.now
    home.fail_for(timedelta(minutes=30))

    # Back after 30 minutes: only the time seen offline counts, and there is none yet.
    assert home.poll(device("CAM-1", "offline")) == []
    assert home.poll(device("CAM-1", "offline")) == []
    [offline] = home.poll(device("CAM-1", "offline"))
    assert offline.offline_since == first_offline_report


def test_cloud_outage_while_offline_fires_no_second_offline_and_full_downtime():
    home = Home()
    home.poll(device("CAM-1", "online"))
    home.poll_for(GRACE + POLL, device("CAM-1", "offline"))
    offline_since = home.tracker.state("CAM-1").offline_since
    assert offline_since is not None

    home.fail_for(timedelta(minutes=30))
    assert home.state("CAM-1") is UNKNOWN
    assert home.poll(device("CAM-1", "offline")) == []  # still offline: no new event
    assert home.state("CAM-1") is OFFLINE
    home.fail_for(timedelta(minutes=30))
    [back] = home.poll(device("CAM-1", "online"))

    assert back.downtime_seconds == (home.now - offline_since).total_seconds()
    assert home.events() == [("CAM-1", "offline"), ("CAM-1", "online")]


@pytest.mark.parametrize("idle_status", ["done", "online", " DONE "])
def test_done_and_online_count_as_online(idle_status):
    home = Home()
    home.poll(device("CAM-1", "offline"))  # pending from a first sighting

    [seen] = home.poll(device("CAM-1", idle_status))

    assert (seen.old, seen.new) == (UNKNOWN, ONLINE)
    assert not home.tracker.wants_quick_poll()


@pytest.mark.parametrize("odd_status", [None, "", "busy", "updating"])
def test_unknown_status_keeps_the_previous_state_and_never_invents_offline(odd_status):
    home = Home(tracker=ConnectivityTracker(timedelta(0)))
    assert home.poll(device("NEW", odd_status)) == []
    assert home.state("NEW") is UNKNOWN

    home.poll(device("CAM-1", "online"))
    home.poll_for(timedelta(hours=2), device("CAM-1", odd_status))
    assert home.state("CAM-1") is ONLINE

    home.poll(device("CAM-1", "offline"))
    home.poll_for(timedelta(hours=2), device("CAM-1", odd_status))
    assert home.state("CAM-1") is OFFLINE
    assert home.events() == [("CAM-1", "offline")]


def test_unusable_status_inside_grace_pauses_the_timer():
    home = Home()
    home.poll(device("CAM-1", "online"))
    home.poll(device("CAM-1", "offline"))
    home.poll_for(timedelta(minutes=30), device("CAM-1", None))
    home.poll(device("CAM-1", "offline"))
    assert home.state("CAM-1") is ONLINE
    home.poll(device("CAM-1", "offline"))
    assert home.state("CAM-1") is ONLINE
    home.poll(device("CAM-1", "offline"))
    assert home.state("CAM-1") is OFFLINE


def test_device_missing_from_a_snapshot_keeps_its_state():
    home = Home(tracker=ConnectivityTracker(timedelta(0)))
    home.first_poll(device("CAM-1", "online"), device("CAM-2", "online"))
    home.poll(device("CAM-1", "online"), device("CAM-2", "offline"))
    home.poll_for(timedelta(hours=1))

    assert (home.state("CAM-1"), home.state("CAM-2")) == (ONLINE, OFFLINE)
    assert home.events() == [("CAM-2", "offline")]


def test_device_missing_inside_grace_pauses_its_timer():
    home = Home()
    home.first_poll(device("CAM-1", "online"))
    home.poll(device("CAM-1", "offline"))
    home.poll_for(timedelta(hours=1))
    home.poll(device("CAM-1", "offline"))

    assert home.state("CAM-1") is ONLINE
    assert home.transitions == []


@pytest.mark.parametrize("kind", [DeviceKind.MINI, DeviceKind.DOORBELL])
def test_mini_and_doorbell_go_offline_on_their_own_not_behind_a_sync_module(kind):
    home = Home()
    healthy = [*sync_home({"CAM-1": "done"}), device("OWL-1", "online", kind=kind)]
    home.poll(*healthy)

    home.poll_for(
        timedelta(minutes=30),
        *sync_home({"CAM-1": "offline"}, "offline"),
        device("OWL-1", "offline", kind=kind),
    )

    owl = home.tracker.state("OWL-1")
    assert (owl.state, owl.reason) == (OFFLINE, OfflineReason.DEVICE_OFFLINE)
    assert home.state("CAM-1") is BEHIND
    assert sorted(home.events()) == [("OWL-1", "offline"), (SYNC, "offline")]
    assert home.tracker.offline_count() == 2


def test_last_seen_prefers_blink_timestamps_then_the_last_online_poll():
    home = Home()
    heartbeat = START - timedelta(minutes=1)
    updated = START - timedelta(minutes=3)
    home.poll(
        device(
            SYNC,
            "online",
            kind=DeviceKind.SYNC_MODULE,
            updated_at=updated,
            last_heartbeat=heartbeat,
        ),
        device("MINI-1", "online", kind=DeviceKind.MINI),
    )
    last_online_poll = home.now
    home.poll(device("MINI-1", "offline", kind=DeviceKind.MINI))

    assert home.tracker.state(SYNC).last_seen == heartbeat
    assert home.tracker.state("MINI-1").last_seen == last_online_poll


def test_never_seen_serial_is_unknown():
    assert ConnectivityTracker().state("NOPE") == DeviceConnectivity(
        UNKNOWN, None, None, None, None, None
    )


def test_forget_drops_the_device():
    home = Home(tracker=ConnectivityTracker(timedelta(0)))
    home.poll(device("CAM-1", "offline"))
    home.tracker.forget("CAM-1")

    assert home.state("CAM-1") is UNKNOWN
    assert home.tracker.offline_count() == 0
    assert not home.tracker.wants_quick_poll()


def test_restart_keeps_offline_since_and_reports_the_full_downtime():
    home = Home()
    home.poll(*sync_home({"CAM-1": "done"}))
    home.poll_for(GRACE + POLL, *sync_home({"CAM-1": "offline"}))
    offline_since = home.tracker.state("CAM-1").offline_since
    assert offline_since is not None

    stored = json.loads(json.dumps(home.tracker.to_dict()))
    restored = ConnectivityTracker.from_dict(stored, GRACE)
    assert restored.state("CAM-1") == home.tracker.state("CAM-1")
    assert restored.state(SYNC) == home.tracker.state(SYNC)

    home.tracker = restored
    assert home.poll(*sync_home({"CAM-1": "offline"})) == []  # no second offline event
    [back] = home.poll(*sync_home({"CAM-1": "done"}))
    assert back.came_back
    assert back.downtime_seconds == (home.now - offline_since).total_seconds()


def test_restart_keeps_a_grace_run_in_progress():
    home = Home()
    home.poll(device("CAM-1", "online"))
    home.poll(device("CAM-1", "offline"))
    first_report = home.now
    home.poll(device("CAM-1", "offline"))

    home.tracker = ConnectivityTracker.from_dict(home.tracker.to_dict(), GRACE)
    assert home.tracker.wants_quick_poll()
    assert home.poll(device("CAM-1", "offline")) == []  # the restart gap does not count
    [offline] = home.poll(device("CAM-1", "offline"))
    assert offline.offline_since == first_report


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "tracker",
        42,
        [],
        {},
        {"devices": "x"},
        {"devices": []},
        {"devices": {"": {"own": "offline"}, "CAM-1": None, "CAM-2": ["online"]}},
    ],
)
def test_from_dict_on_garbage_returns_an_empty_tracker(garbage):
    tracker = ConnectivityTracker.from_dict(garbage, GRACE)

    assert tracker.to_dict()["devices"] == {}
    assert tracker.grace == GRACE
    assert not tracker.wants_quick_poll()


def test_from_dict_keeps_what_is_usable_in_a_damaged_entry():
    stored = {
        "devices": {
            "CAM-1": {
                "own": "offline",
                "offline_since": "2026-03-01T10:00:00",  # naive: read as UTC
                "last_seen": "yesterday",
                "last_outage_seconds": float("nan"),
                "sync_module_serial": 7,
            },
            "CAM-2": {"own": "sideways", "pending_since": 12},
        }
    }
    tracker = ConnectivityTracker.from_dict(stored, GRACE)

    assert tracker.state("CAM-1") == DeviceConnectivity(
        OFFLINE,
        OfflineReason.DEVICE_OFFLINE,
        datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        None,
        None,
        None,
    )
    assert tracker.state("CAM-2").state is UNKNOWN


def test_wants_quick_poll_while_pending_offline_or_just_changed():
    home = Home()
    home.poll(device("CAM-1", "online"))
    assert not home.tracker.wants_quick_poll()  # first sighting is not a change

    home.poll(device("CAM-1", "offline"))
    assert home.tracker.wants_quick_poll()  # inside grace
    home.poll_for(GRACE + POLL, device("CAM-1", "offline"))
    assert home.tracker.wants_quick_poll()  # offline

    home.poll(device("CAM-1", "online"))
    assert home.tracker.wants_quick_poll()  # just came back
    home.poll(device("CAM-1", "online"))
    assert not home.tracker.wants_quick_poll()


def test_grace_runs_on_the_monotonic_clock_not_the_wall_clock() -> None:
    """A forward jump of the wall clock is not time spent offline.

    NTP sets the time on boards without a real-time clock; only the monotonic clock
    measures the grace period.
    """
    ticks = [0.0]
    tracker = ConnectivityTracker(GRACE, monotonic=lambda: ticks[0])
    at = START

    def poll(status: str, wall: timedelta, monotonic: float) -> list[Transition]:
        nonlocal at
        at += wall
        ticks[0] += monotonic
        snapshot = AccountSnapshot(account_id="acct", taken_at=at, devices=(device("C", status),))
        return tracker.observe(snapshot, at)

    poll("online", timedelta(0), 0)
    poll("offline", timedelta(minutes=2), 120)
    # The wall clock jumps three hours while one 2-minute poll interval really passes.
    found = poll("offline", timedelta(hours=3), 120)
    assert not any(t.went_offline for t in found)
    assert tracker.state("C").state is ONLINE
    # The grace period still ends on time: 10 real minutes after the first offline report.
    for _ in range(3):
        poll("offline", timedelta(minutes=2), 120)
    assert tracker.state("C").state is ONLINE
    found = poll("offline", timedelta(minutes=2), 120)
    assert [t.went_offline for t in found] == [True]
    # What users see stays on the wall clock: offline since the first offline report.
    assert tracker.state("C").offline_since == START + timedelta(minutes=2)
