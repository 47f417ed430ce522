#!/usr/bin/env bash
# Sets up what is missing, then runs the whole suite and ends with one line: "N passed, N failed".
#
#   format and lint        cargo fmt --check, cargo clippy -D warnings (native and wasm32)
#   native tests           cargo test --workspace (unit, integration, property, fault campaign)
#   wasm tests             wasm-bindgen-test in headless Chromium (wasm-bindgen-test-runner + chromedriver)
#   page build             trunk build --release --offline, wasm size printed
#   end-to-end             node --test tests/e2e: serves dist/ under a sub-path, drives Chromium,
#                          saves screenshots to tests/e2e/screenshots/
#   notebooks              kafka-playground notebook www/notebooks/*/*.md (when there are notebooks)
#
# Log of each step: target/test-logs/<step>.log
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
. scripts/setup.sh
setup test
# setup.sh stops at the first error; the suite instead runs every step and counts.
set +e

LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
passed=0
failed=0
failed_steps=()

# Adds the counts a step's output reports (cargo's "test result:" lines, node's "# pass/# fail",
# or the notebook runner's "notebooks: N passed, M failed");
# a step that reports none counts as one check. A failing command always counts at least one failure.
count_step() {
  local name="$1" status="$2" log="$3" p f
  p=$(grep -E '^test result: ' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
  f=$(grep -E '^test result: ' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    p=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
    f=$(grep -E '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    p=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$log" | tail -1)
    f=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$log" | tail -1)
    p=${p:-0} f=${f:-0}
  fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    if [ "$status" -eq 0 ]; then p=1; else f=1; fi
  fi
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -eq 0 ] || failed_steps+=("$name")
  printf '\033[1m[test]\033[0m %-16s %s passed, %s failed (%ss)\n' "$name" "$p" "$f" "$4"
}

step() {
  local name="$1"
  shift
  local log="$LOGS/$name.log" start status
  start=$(date +%s)
  printf '\n\033[1m[test] === %s: %s\033[0m\n' "$name" "$*"
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  count_step "$name" "$status" "$log" $(($(date +%s) - start))
}

wasm_size() {
  local wasm js f total=0
  wasm=$(ls dist/*.wasm 2>/dev/null | head -1)
  [ -n "$wasm" ] || { echo "no wasm in dist/"; return 1; }
  echo "wasm: $(wc -c <"$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzip ($wasm)"
  # Everything the first load transfers (gzip -9 each): page, wasm, its JS, style, icon and the
  # chapters the page fetches right after its first paint.
  for f in dist/*; do total=$((total + $(gzip -9 -c "$f" | wc -c))); done
  echo "first load: $total bytes gzip in all ($(ls dist | tr '\n' ' '))"
}

build_page() { trunk build --release --offline && wasm_size; }

wasm_tests() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER="$(command -v chromedriver)" \
    cargo test -p kafka-playground-app --target wasm32-unknown-unknown
}

notebooks() {
  local books=(www/notebooks/*/*.md)
  cargo run --quiet -- notebook "${books[@]}"
}

step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets -- -D warnings
step clippy-wasm cargo clippy -p kafka-playground-app -p kafka-playground-core --target wasm32-unknown-unknown -- -D warnings
step native-tests cargo test --workspace --no-fail-fast
step wasm-tests wasm_tests
step page-build build_page
step e2e node --test --test-concurrency=1 tests/e2e/
if compgen -G "www/notebooks/*/*.md" >/dev/null; then step notebooks notebooks; fi

echo
[ ${#failed_steps[@]} -eq 0 ] || echo "failing steps: ${failed_steps[*]} (logs in target/test-logs/)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
