#!/usr/bin/env bash
# Installs what Kafka Playground needs, and nothing that is already there.
#
#   scripts/setup.sh play   the wasm32 target, Trunk, wasm-bindgen-cli, wasm-opt (npm binaryen)
#   scripts/setup.sh test   the same plus Chromium, ChromeDriver, a CJK font and playwright-core
#
# Every step checks first and installs only what is missing, so a second run installs nothing.
# Tools come from crates.io, npm and Debian only; nothing downloads a browser or a prebuilt binary.
# Sourced by play.sh and test.sh; it exports PATH so that the installed tools are found.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/scripts/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
fail() {
  printf '\033[1;31m[setup] FAILED:\033[0m %s\n' "$1" >&2
  [ $# -gt 1 ] && printf '        what to do: %s\n' "$2" >&2
  exit 1
}

need_command() {
  command -v "$1" >/dev/null 2>&1 || fail "'$1' is not installed." "$2"
}

# The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then return; fi
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >&2 ||
    fail "rustup could not add wasm32-unknown-unknown." "check that rustup can reach its distribution server, then rerun."
}

# cargo install writes the binary only after a successful build, so a failed run leaves no half-installed tool.
ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then return; fi
  say "installing Trunk $TRUNK_VERSION from crates.io (a few minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION" >&2 ||
    fail "cargo install trunk $TRUNK_VERSION failed." "check that crates.io is reachable (cargo search trunk), then rerun."
}

ensure_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_version)"
  [ -n "$want" ] || fail "Cargo.lock names no wasm-bindgen version." "run 'cargo generate-lockfile' in $ROOT."
  if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $want" ] &&
    command -v wasm-bindgen-test-runner >/dev/null 2>&1; then return; fi
  say "installing wasm-bindgen-cli $want from crates.io (it must equal Cargo.lock's wasm-bindgen)"
  # Not --locked: one of its locked dependency versions is not served by the registry here.
  cargo install --force wasm-bindgen-cli --version "$want" >&2 ||
    fail "cargo install wasm-bindgen-cli $want failed." "check that crates.io is reachable, then rerun."
}

# wasm-opt (binaryen 132) and playwright-core, pinned by scripts/package-lock.json.
ensure_npm_tools() {
  need_command npm "install Node.js 20 and npm (apt-get install -y nodejs npm), then rerun."
  local stamp="$ROOT/scripts/node_modules/.installed-lock"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$ROOT/scripts/package-lock.json" &&
    [ -x "$ROOT/scripts/node_modules/.bin/wasm-opt" ]; then return; fi
  say "installing wasm-opt (npm binaryen) and playwright-core from the npm registry"
  (cd "$ROOT/scripts" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
    fail "npm ci in scripts/ failed." "check that the npm registry is reachable (npm ping), then rerun."
  cp "$ROOT/scripts/package-lock.json" "$stamp"
}

ensure_browser() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' ||
    missing+=(fonts-noto-cjk)
  [ ${#missing[@]} -eq 0 ] && return
  command -v apt-get >/dev/null 2>&1 ||
    fail "${missing[*]} missing and there is no apt-get." "install Chromium, ChromeDriver and a CJK font yourself, then rerun."
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  say "installing ${missing[*]} from Debian's packages"
  "${sudo[@]}" apt-get update -qq >&2 ||
    fail "apt-get update failed." "check that the Debian mirror is reachable (and that you are root), then rerun."
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" fontconfig >&2 ||
    fail "apt-get install ${missing[*]} failed." "run it by hand to see why, then rerun."
}

setup() {
  local mode="${1:-play}"
  need_command cargo "install a Rust toolchain with rustup (https://rustup.rs), then rerun."
  need_command rustup "this project needs rustup to add the wasm32 target."
  ensure_wasm_target
  ensure_npm_tools
  ensure_trunk
  ensure_wasm_bindgen
  if [ "$mode" = test ]; then ensure_browser; fi
}

# Run directly: set up for the named mode.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup "${1:-play}"
  say "ready ($1)"
fi
