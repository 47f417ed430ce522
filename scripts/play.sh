#!/usr/bin/env bash
# Sets up what is missing, builds the page and serves it on http://127.0.0.1:8080 (PORT overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup play
PORT="${PORT:-8080}"
say "building the page (trunk build --release --offline)"
trunk build --release --offline
say "Kafka Playground is served at http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
exec trunk serve --release --offline --address 127.0.0.1 --port "$PORT" --no-autoreload
