# shellcheck shell=bash
# Path handling for scripts/bench: the benchmarks run with the repository as their only view of
# the file system when the Debian root is used, so file arguments are mapped into it.
# Needs REPO_DIR, BLINK_CARE_MODE and CHROOT_REPO (from _env.sh). Sets BENCH_ARGS.

BENCH_TMP=""
BENCH_COPY_BACK=()  # pairs: path inside the repository, path the user asked for

# Absolute form of a path given relative to where the user stands.
bench_absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
  esac
}

# Set BENCH_MAPPED to the path the benchmark should use for the user's `$1` (`$2`: in or out).
# (A variable, not output: staging must change this shell's BENCH_TMP and BENCH_COPY_BACK.)
bench_map_one() {
  local given="$1" direction="$2" absolute staged sidecar
  absolute="$(bench_absolute "$given")"
  BENCH_MAPPED="$absolute"
  if [ "$BLINK_CARE_MODE" = host ]; then
    return 0
  fi
  case "$absolute" in
    "$REPO_DIR"/*)
      BENCH_MAPPED="$CHROOT_REPO/${absolute#"$REPO_DIR"/}"
      return 0
      ;;
  esac
  if [ -z "$BENCH_TMP" ]; then
    BENCH_TMP="$(mktemp -d "$REPO_DIR/.bench-files.XXXXXX")"
  fi
  staged="$BENCH_TMP/$(basename "$absolute")"
  sidecar="${absolute%.csv}.batteries.csv"
  if [ "$direction" = in ]; then
    if [ ! -f "$absolute" ]; then
      printf 'scripts/bench: %s: no such file\n' "$given" >&2
      return 1
    fi
    cp "$absolute" "$staged"
    if [ -f "$sidecar" ]; then
      cp "$sidecar" "${staged%.csv}.batteries.csv"
    fi
  else
    BENCH_COPY_BACK+=("$staged" "$absolute")
  fi
  BENCH_MAPPED="$CHROOT_REPO/${staged#"$REPO_DIR"/}"
}

# Rewrite --traces/--generate arguments (both `--x FILE` and `--x=FILE`) into BENCH_ARGS.
bench_map_paths() {
  BENCH_ARGS=()
  local arg name direction
  while [ "$#" -gt 0 ]; do
    arg="$1"
    shift
    case "$arg" in
      --traces | --generate)
        BENCH_ARGS+=("$arg")
        if [ "$#" -gt 0 ]; then
          direction=out
          [ "$arg" = --traces ] && direction=in
          bench_map_one "$1" "$direction" || exit 2
          BENCH_ARGS+=("$BENCH_MAPPED")
          shift
        fi
        ;;
      --traces=* | --generate=*)
        name="${arg%%=*}"
        direction=out
        [ "$name" = --traces ] && direction=in
        bench_map_one "${arg#*=}" "$direction" || exit 2
        BENCH_ARGS+=("$name=$BENCH_MAPPED")
        ;;
      *) BENCH_ARGS+=("$arg") ;;
    esac
  done
}

# Copy files the benchmark wrote in the repository out to where the user asked for them.
bench_copy_out() {
  local i staged target
  for ((i = 0; i < ${#BENCH_COPY_BACK[@]}; i += 2)); do
    staged="${BENCH_COPY_BACK[i]}"
    target="${BENCH_COPY_BACK[i + 1]}"
    if [ -f "$staged" ]; then
      mkdir -p "$(dirname "$target")"
      cp "$staged" "$target"
      if [ -f "${staged%.csv}.batteries.csv" ]; then
        cp "${staged%.csv}.batteries.csv" "${target%.csv}.batteries.csv"
      fi
    fi
  done
}

bench_cleanup() {
  if [ -n "$BENCH_TMP" ] && [ -d "$BENCH_TMP" ]; then
    rm -rf "$BENCH_TMP"
  fi
}
