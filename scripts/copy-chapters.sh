#!/bin/sh
# Trunk post-build hook (Trunk.toml): puts the tutorial chapters that app/build.rs rendered to
# JSON beside the page, where the page fetches them (app/src/chapters.rs).
set -eu
target=$(cargo metadata --format-version 1 --no-deps --offline |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
src="$target/wasm32-unknown-unknown/${TRUNK_PROFILE:-release}/chapters.json"
[ -f "$src" ] || { echo "copy-chapters: $src is missing (app/build.rs writes it)" >&2; exit 1; }
cp "$src" "$TRUNK_STAGING_DIR/chapters.json"
