"""Build the release asset HACS installs: the integration folder as a zip, version from the tag.

The release workflow (.github/workflows/release.yml) runs this on a published GitHub release:

    python scripts/release.py v1.2.0        # stamps manifest.json, writes blink_care.zip

HACS (hacs.json: zip_release, filename) downloads the asset and unpacks it into
custom_components/blink_care/, so the zip holds the folder's contents at its root, not the folder.
Stdlib only: it runs on a bare runner before anything is installed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import json
from pathlib import Path
import re
import sys
import zipfile

REPO_ROOT = Path(__file__).resolve().parents[1]
INTEGRATION_DIR = REPO_ROOT / "custom_components" / "blink_care"
# What a release tag may look like: v1.2.3 or 1.2.3, optionally with a pre-release part.
TAG = re.compile(r"^v?(?P<version>\d+\.\d+\.\d+(?:[-.]?(?:a|b|rc|dev)\d+)?)$")
# Byte-code and editor leftovers never ship.
SKIPPED_PARTS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache"})
SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo", ".orig", ".rej", ".swp"})


class ReleaseError(Exception):
    """The tag or the tree is not fit for a release; the message says why."""


def version_from_tag(tag: str) -> str:
    """The manifest version a tag stands for ("v1.2.0" -> "1.2.0")."""
    match = TAG.match(tag.strip())
    if match is None:
        raise ReleaseError(f"tag {tag!r} is not a version like v1.2.0 (or v1.2.0b1)")
    return match["version"]


def stamp_version(manifest_path: Path, version: str) -> None:
    """Write the version into manifest.json, keeping every other key and their order."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["version"] = version
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def release_files(integration_dir: Path) -> list[Path]:
    """The files that ship, relative to the integration folder, in a stable order."""
    return sorted(
        path.relative_to(integration_dir)
        for path in integration_dir.rglob("*")
        if path.is_file()
        and not SKIPPED_PARTS.intersection(path.relative_to(integration_dir).parts)
        and path.suffix not in SKIPPED_SUFFIXES
    )


def build_zip(integration_dir: Path, out_file: Path) -> list[str]:
    """Zip the integration folder's contents (manifest.json at the root); the names written."""
    names: list[str] = []
    with zipfile.ZipFile(out_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative in release_files(integration_dir):
            name = relative.as_posix()
            archive.write(integration_dir / relative, name)
            names.append(name)
    if "manifest.json" not in names:
        raise ReleaseError(f"{integration_dir} has no manifest.json")
    return names


def hacs_filename(repo_root: Path) -> str:
    """The asset name HACS looks for (hacs.json `filename`)."""
    hacs = json.loads((repo_root / "hacs.json").read_text(encoding="utf-8"))
    if not hacs.get("zip_release") or not hacs.get("filename"):
        raise ReleaseError("hacs.json must set zip_release and filename for zip releases")
    return str(hacs["filename"])


def main(argv: Sequence[str] | None = None) -> int:
    """Stamp the version, build the zip next to hacs.json (or into --out), say where."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tag", help="the release tag, e.g. v1.2.0")
    parser.add_argument("--out", type=Path, help="where to write the zip (default: repo root)")
    options = parser.parse_args(argv)
    try:
        version = version_from_tag(options.tag)
        out_file = options.out or REPO_ROOT / hacs_filename(REPO_ROOT)
        stamp_version(INTEGRATION_DIR / "manifest.json", version)
        names = build_zip(INTEGRATION_DIR, out_file)
    except ReleaseError as err:
        print(f"release: {err}", file=sys.stderr)
        return 1
    print(f"{out_file.name}: version {version}, {len(names)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
