"""A simulated Blink cloud for tests, the dev server and benchmarks (never shipped).

It serves the OAuth sign-in and the REST endpoints blinkpy 0.25.9 calls, over real HTTP,
from a deterministic fleet whose batteries drain with the clock.
"""

from blink_sim.battery_truth import Chemistry
from blink_sim.faults import Fault
from blink_sim.fleet import Fleet, Listing, OfflineWindow, SimDevice, SimNetwork, Usage
from blink_sim.server import SimCloud

__all__ = [
    "Chemistry",
    "Fault",
    "Fleet",
    "Listing",
    "OfflineWindow",
    "SimCloud",
    "SimDevice",
    "SimNetwork",
    "Usage",
]
