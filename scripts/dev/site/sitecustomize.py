"""Point blinkpy at the simulated Blink cloud inside the dev server's Home Assistant process.

Python imports `sitecustomize` at start-up from any directory on PYTHONPATH; scripts/develop
puts this directory there and sets BLINK_SIM_URL. Doing the redirect here, outside the
integration, keeps the shipped code free of any test switch. Without BLINK_SIM_URL this
module does nothing, so a stray PYTHONPATH cannot send a real account to the simulator.
"""

from __future__ import annotations

from collections.abc import Callable
import importlib.util
import os
from pathlib import Path
import sys

SIM_URL_VARIABLE = "BLINK_SIM_URL"
# scripts/dev/site/sitecustomize.py -> the repository root, where blink_sim lives.
REPO_ROOT = Path(__file__).resolve().parents[3]


def import_blink_sim() -> None:
    """Import the blink_sim package without putting the repository root on sys.path.

    The repository root also holds `custom_components/`; on sys.path it would merge with
    Home Assistant's own `custom_components` namespace and load blink_care twice.
    """
    package_dir = REPO_ROOT / "blink_sim"
    spec = importlib.util.spec_from_file_location(
        "blink_sim", package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"blink_sim not found in {package_dir}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["blink_sim"] = module
    spec.loader.exec_module(module)


def redirect_to_simulator() -> Callable[[], None] | None:
    """Redirect blinkpy when BLINK_SIM_URL is set; return the undo, or None if it did not."""
    base_url = os.environ.get(SIM_URL_VARIABLE)
    if not base_url:
        return None
    if "blink_sim" not in sys.modules:
        import_blink_sim()
    from blink_sim.redirect import redirect_blinkpy  # noqa: PLC0415 - only when asked for

    undo = redirect_blinkpy(base_url)
    sys.stderr.write(f"[blink_care dev] blinkpy talks to the simulated cloud at {base_url}\n")
    return undo


redirect_to_simulator()
