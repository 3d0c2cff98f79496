#!/usr/bin/env bash
# Installs the browser terminal's npm packages exactly as the lockfile
# says and copies the files the page loads, with their licences, into
# ../static/vendor, which go:embed puts in the binary. The copies are
# committed so that a fresh clone runs without npm; CI runs this script
# and then checks that git sees no difference.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error

dst=../static/vendor
rm -rf "$dst"
mkdir -p "$dst/xterm/lib" "$dst/xterm/css" "$dst/addon-fit/lib"
x=node_modules/@xterm/xterm
f=node_modules/@xterm/addon-fit
cp "$x/lib/xterm.js" "$dst/xterm/lib/"
cp "$x/css/xterm.css" "$dst/xterm/css/"
cp "$x/LICENSE" "$dst/xterm/LICENSE"
cp "$f/lib/addon-fit.js" "$dst/addon-fit/lib/"
cp "$f/LICENSE" "$dst/addon-fit/LICENSE"
