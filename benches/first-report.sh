#!/usr/bin/env bash
# Times what a new user waits for: a fresh clone of this repository, then the README's first
# command, with an empty cargo home so that every crate is downloaded as on a fresh machine
# (Rust itself installed). Prints the whole time, the build's own, and where cargo's timings
# report is. The clone, its build and the cargo home are made in a private temporary folder and
# removed at the end.
#
#   benches/first-report.sh            # this repository's committed HEAD
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --end-of-options "$repo" "$work/kpi"
cd "$work/kpi"
export CARGO_HOME="$work/cargo-home"
started=$(date +%s.%N)
cargo run --timings -- report examples/wechat/ruleset.yaml --per-entity -o out >/dev/null 2>"$work/cargo.log"
ended=$(date +%s.%N)
grep -E '^ *Finished' "$work/cargo.log" | sed 's/^ */build: /'
echo "downloaded: $(grep -c '^ *Downloaded ' "$work/cargo.log") crates"
echo "compiled: $(grep -c '^ *Compiling ' "$work/cargo.log") crates"
awk -v a="$started" -v b="$ended" 'BEGIN { printf "first report, from the clone on: %.0f s\n", b - a }'
ls out/*/portfolio.html >/dev/null
mkdir -p "$repo/target"
cp target/cargo-timings/cargo-timing.html "$repo/target/first-report-timing.html"
echo "cargo's timings: $repo/target/first-report-timing.html"
