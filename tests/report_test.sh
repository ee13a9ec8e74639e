#!/usr/bin/env bash
# report.html: one self-contained page whose figures equal metrics.json's,
# opened in a real browser (headless Chromium): it loads, runs its check
# script without errors, and shows every plot with a size.
set -uo pipefail
plumsim="$(realpath "$1")"
scenario="$2"   # scenarios/partition_tcp.toml: faults, tcp connections closing
tmp="${TEST_TMPDIR:-$(mktemp -d)}/report"
rm -rf "$tmp"; mkdir -p "$tmp"
source "$(dirname "$0")/sh_lib.sh"
export HOME="$tmp/home"; mkdir -p "$HOME"

# gnuplot and Graphviz work in a private temporary folder, removed after.
mkdir -p "$tmp/tmpdir"
TMPDIR="$tmp/tmpdir" "$plumsim" run "$scenario" --quiet --out "$tmp/run" >/dev/null || fail "run"
[ -z "$(ls -A "$tmp/tmpdir")" ] || fail "report drawing left files in TMPDIR: $(ls -A "$tmp/tmpdir")"
report="$tmp/run/report.html"
[ -s "$report" ] || fail "no report.html"

# Self-contained: no script, style, image or frame from anywhere else.
grep -Eiq '<(link|img|iframe)[^>]* (src|href)=|<script[^>]* src=|url\(http' "$report" &&
  fail "report.html loads something from outside: $(grep -Eio '<(link|img|iframe|script)[^>]*' "$report" | head -3)"
grep -Eo '(src|href)="https?://[^"]*' "$report" | grep -v 'www.w3.org' | grep -q . &&
  fail "report.html refers to the network"

# Every figure shown equals metrics.json's at the same path.
python3 - "$report" "$tmp/run/metrics.json" <<'PY' || fail "report figures differ from metrics.json"
import json, re, sys, math
html = open(sys.argv[1]).read()
metrics = json.load(open(sys.argv[2]))
rows = re.findall(r'data-figure="([^"]+)" data-value="([^"]+)"', html)
assert len(rows) >= 20, f"only {len(rows)} figures in the report"
bad = []
for path, value in rows:
    node = metrics
    for part in path.split("."):
        node = node[part]
    shown = None if value == "null" else float(value)
    if node is None or shown is None:
        if node is not shown: bad.append((path, node, value))
    elif not math.isclose(float(node), shown, rel_tol=1e-12, abs_tol=1e-12):
        bad.append((path, node, value))
if bad:
    print("differ:", bad); sys.exit(1)
print(f"{len(rows)} figures equal metrics.json")
PY

# The plots: gnuplot's and Graphviz's SVG, inline.
plots=$(grep -c '<figure id=' "$report")
svgs=$(grep -o '<figure id="[^"]*"><svg' "$report" | wc -l)
[ "$svgs" -ge 9 ] && [ "$svgs" -eq "$plots" ] || fail "expected every figure drawn: $svgs SVGs in $plots figures"
grep -q 'id="connections"><svg' "$report" || fail "no plot of tcp connections closing"
grep -q 'Produced by GNUPLOT' "$report" || fail "plots are not gnuplot's"
grep -q 'class="graph"' "$report" || fail "trees are not Graphviz's"

# A real browser: headless Chromium loads the file (no network), runs the
# page's script, and every figure's SVG has a size on screen.
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  fail "chromium is not installed (tools/setup installs it)"
else
  flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
         --user-data-dir="$tmp/chrome" --window-size=1100,4000 --virtual-time-budget=5000
         --enable-logging=stderr --v=0)
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$report" >"$tmp/dom.html" 2>"$tmp/chrome.log"
  grep -q 'data-loaded="yes"' "$tmp/dom.html" || fail "the page did not finish loading: $(tail -5 "$tmp/chrome.log")"
  drawn=$(grep -o 'data-drawn="[0-9]*"' "$tmp/dom.html" | grep -o '[0-9]*')
  [ "${drawn:-0}" -eq "$svgs" ] || fail "the browser shows ${drawn:-0} of $svgs drawings"
  grep -Eq 'CONSOLE.*(Uncaught|Error)|Failed to load resource' "$tmp/chrome.log" &&
    fail "console errors: $(grep -E 'CONSOLE|Failed to load' "$tmp/chrome.log" | head -3)"
  timeout 120 "$chromium" "${flags[@]}" --screenshot="$tmp/shot.png" "file://$report" >/dev/null 2>&1
  [ "$(head -c 4 "$tmp/shot.png" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "no screenshot"
fi

# --no-report writes none.
"$plumsim" run "$scenario" --quiet --out "$tmp/bare" --no-report >/dev/null
[ ! -e "$tmp/bare/report.html" ] || fail "--no-report wrote a report"

if [ "$failures" -eq 0 ]; then echo "report_test: all checks passed"; fi
exit "$failures"
