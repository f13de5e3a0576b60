# shellcheck shell=bash
# Shared by scripts/setup, test, lint, develop, bench: find or build a Python >= 3.14.2,
# create one virtual environment per Home Assistant target, and run commands in it.
#
# Home Assistant >= 2026.3 needs Python >= 3.14.2. Where the host has it, it is used directly.
# Otherwise a Debian unstable root is built once with debootstrap (it ships python3.14) and
# commands run inside it through chroot, in a private mount namespace (unshare), so the /proc
# and repository mounts vanish when the command ends, even when it is killed.

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${BLINK_CARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blink_care}"
SID_ROOT="${BLINK_CARE_SID_ROOT:-$CACHE_DIR/sid-root}"
# Inside the Debian root the repository is mounted here.
CHROOT_REPO=/src

# HA_VERSION selects the Home Assistant the tests run against.
#   latest (default): pytest-homeassistant-custom-component 0.13.375 = Home Assistant 2026.10.4
#   min:              pytest-homeassistant-custom-component 0.13.357 = Home Assistant 2026.8.3
#   dev:              the homeassistant 2026.11.0 wheel, for scripts/develop
HA_VERSION="${HA_VERSION:-latest}"

log() { printf '[blink_care] %s\n' "$*" >&2; }

python_is_new_enough() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' 2>/dev/null
}

host_python() {
  local candidate
  for candidate in "${BLINK_CARE_PYTHON:-}" python3.14 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && python_is_new_enough "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Decide once: "host" (python3.14 on this machine) or "sid" (the Debian unstable root).
if [ -z "${BLINK_CARE_MODE:-}" ]; then
  if HOST_PYTHON="$(host_python)"; then
    BLINK_CARE_MODE=host
  else
    BLINK_CARE_MODE=sid
  fi
fi

apt_mirror() {
  # The Debian mirror this machine's apt already uses (deb822 or one-line sources).
  local uri
  uri="$(grep -hoE '^URIs: *[^ ]+' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 | awk '{print $2}')"
  if [ -z "$uri" ]; then
    uri="$(grep -hoE '^deb +[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1 | awk '{print $2}')"
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

ensure_sid_root() {
  if [ -x "$SID_ROOT/usr/bin/python3.14" ] && [ -f "$SID_ROOT/.blink_care-ready" ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    log "No Python >= 3.14.2 here and building the Debian unstable root needs root."
    log "Install python3.14 (>= 3.14.2) or run this script as root."
    exit 1
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "Installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  local mirror
  mirror="$(apt_mirror)"
  log "Building a Debian unstable root with python3.14 in $SID_ROOT (about a minute, once)"
  rm -rf "$SID_ROOT"
  mkdir -p "$(dirname "$SID_ROOT")"
  debootstrap --variant=minbase sid "$SID_ROOT" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1 || {
    tail -n 20 "$CACHE_DIR/debootstrap.log" >&2
    exit 1
  }
  cp /etc/resolv.conf "$SID_ROOT/etc/resolv.conf"
  sid_exec_raw bash -c '
    set -e
    apt-get -qq -o Acquire::Check-Valid-Until=false update
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3.14 python3.14-venv python3.14-dev gcc libc6-dev ca-certificates git >/dev/null
    apt-get clean'
  touch "$SID_ROOT/.blink_care-ready"
}

# Run a command inside the Debian root, with the repository at /src and /proc, /dev mounted,
# all in a private mount namespace that is torn down when the command exits.
sid_exec_raw() {
  mkdir -p "$SID_ROOT$CHROOT_REPO" "$SID_ROOT/etc/ssl/certs"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    cp -f /etc/ssl/certs/ca-certificates.crt "$SID_ROOT/etc/ssl/certs/host-ca-certificates.crt"
  fi
  cp -f /etc/resolv.conf "$SID_ROOT/etc/resolv.conf" 2>/dev/null || true
  local env_args=(
    HOME=/root
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    LANG=C.UTF-8
    TERM="${TERM:-dumb}"
    PIP_CERT=/etc/ssl/certs/host-ca-certificates.crt
    SSL_CERT_FILE=/etc/ssl/certs/host-ca-certificates.crt
    PIP_DISABLE_PIP_VERSION_CHECK=1
    CI="${CI:-}"
    HA_VERSION="$HA_VERSION"
  )
  local name
  # Pass through the project's own settings.
  for name in $(compgen -e); do
    case "$name" in BLINK_CARE_*|PYTEST_*|HYPOTHESIS_*|COV_*) env_args+=("$name=${!name}") ;; esac
  done
  unshare --mount --propagation private -- bash -c '
    set -e
    root="$1"; repo="$2"; inner="$3"; shift 3
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --bind "$repo" "$root$inner"
    # The shared reference material sits beside the clone; keep ../shared working inside.
    if [ -d "$repo/../shared" ]; then
      mkdir -p "$root/shared"
      mount --bind -o ro "$repo/../shared" "$root/shared" 2>/dev/null || mount --bind "$repo/../shared" "$root/shared"
    fi
    mount -t tmpfs tmpfs "$root/tmp"
    exec chroot "$root" "$@"
  ' _ "$SID_ROOT" "$REPO_DIR" "$CHROOT_REPO" /usr/bin/env -i "${env_args[@]}" "$@"
}

# Where the virtual environment for $HA_VERSION lives, as seen by the command that uses it.
venv_dir() {
  if [ "$BLINK_CARE_MODE" = host ]; then
    printf '%s\n' "$CACHE_DIR/venv-$HA_VERSION"
  else
    printf '%s\n' "/opt/blink_care/venv-$HA_VERSION"
  fi
}

requirements_file() {
  case "$HA_VERSION" in
    latest) echo requirements/test-latest.txt ;;
    min) echo requirements/test-min.txt ;;
    dev) echo requirements/dev.txt ;;
    *) log "HA_VERSION must be latest, min or dev (got '$HA_VERSION')"; exit 2 ;;
  esac
}

# Run a command in the repository with the virtual environment for $HA_VERSION active.
in_env() {
  local venv
  venv="$(venv_dir)"
  if [ "$BLINK_CARE_MODE" = host ]; then
    (cd "$REPO_DIR" && PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$@")
  else
    sid_exec_raw bash -c 'cd "$1" && shift && export VIRTUAL_ENV="$0" PATH="$0/bin:$PATH" && exec "$@"' \
      "$venv" "$CHROOT_REPO" "$@"
  fi
}

# Create or update the virtual environment for $HA_VERSION; a stamp of the requirement files
# makes later runs skip pip entirely.
ensure_venv() {
  local req venv stamp_file wanted python
  req="$(requirements_file)"
  venv="$(venv_dir)"
  # The files this environment installs from (each includes runtime.txt).
  wanted="$(cat "$REPO_DIR/requirements/runtime.txt" "$REPO_DIR/$req" | sha256sum | cut -c1-16)"
  if [ "$BLINK_CARE_MODE" = host ]; then
    python="$HOST_PYTHON"
    stamp_file="$venv/.blink_care-stamp"
  else
    ensure_sid_root
    python=/usr/bin/python3.14
    stamp_file="$SID_ROOT$venv/.blink_care-stamp"
  fi
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$wanted" ]; then
    return 0
  fi
  log "Installing the $HA_VERSION environment from $req (a minute or two, once)"
  local setup='
    set -e
    venv="$1"; python="$2"; req="$3"; stamp="$4"
    [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -r "$req"
    echo "$stamp" > "$venv/.blink_care-stamp"'
  if [ "$BLINK_CARE_MODE" = host ]; then
    (cd "$REPO_DIR" && bash -c "$setup" _ "$venv" "$python" "$req" "$wanted")
  else
    sid_exec_raw bash -c "cd $CHROOT_REPO && $setup" _ "$venv" "$python" "$req" "$wanted"
  fi
}
