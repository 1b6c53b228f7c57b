#!/usr/bin/env bash
# Times the files a client receives for the 1,000-account benchmark portfolio, each as one
# process of the release binary: the HTML reports, the PDFs, the Word documents (every entity's
# report and the portfolio), the book (all of them in one PDF, one Word document) and the
# workbook of the whole appraisal. Needs the data that
# `cargo bench --bench engine` generates (target/bench-data/wechat-1000x365) and Chromium.
#
#   cargo build --release && benches/documents.sh
set -euo pipefail
cd "$(dirname "$0")/.."
kpi=target/release/kpi
data=target/bench-data/wechat-1000x365
out=target/bench-data/documents
[ -d "$data" ] || { echo "run cargo bench --bench engine first: it generates $data" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"
run() {
  local name=$1; shift
  /usr/bin/time -f "$name: %e s, %M KB peak" "$kpi" "$@" --data "$data" 2>&1 >/dev/null | grep -v '^\s*$' | tail -1
}
for format in html pdf docx; do
  run "kpi report --per-entity --format $format" report benches/wechat/ruleset.yaml --per-entity --format "$format" -o "$out/$format"
done
for format in pdf docx; do
  run "kpi report --book --format $format" report benches/wechat/ruleset.yaml --book --format "$format" -o "$out/book-$format"
done
run "kpi run --format xlsx" run benches/wechat/ruleset.yaml --format xlsx -o "$out/appraisal.xlsx"
run "kpi run --format csv" run benches/wechat/ruleset.yaml --format csv -o "$out/appraisal.csv"
du -sh "$out"/* | sed 's/^/size: /'
