#!/usr/bin/env bash
# The project's goldens (tests/golden/*.golden) through the same command
# users run: plumsim golden check SCENARIO GOLDEN, the scenario named in
# the golden. Then the command's own behaviour: a changed scenario fails
# with the edges and figures that changed, --update records it, and record
# never writes over a file that is not a golden.
set -uo pipefail
plumsim="$(realpath "$1")"
here="$(dirname "$0")"
tmp="${TEST_TMPDIR:-$(mktemp -d)}/golden"
rm -rf "$tmp"; mkdir -p "$tmp"
source "$here/sh_lib.sh"

shopt -s nullglob
goldens=("$here"/golden/*.golden)
[ ${#goldens[@]} -ge 7 ] || fail "expected the project's goldens, found ${#goldens[@]}"
for g in "${goldens[@]}"; do
  scenario=$(sed -n "s/^scenario = '\(.*\)'$/\1/p" "$g")
  [ -n "$scenario" ] || { fail "$g: no scenario line"; continue; }
  expect 0 "match, [0-9]+ trees and [0-9]+ figures" -- "$plumsim" golden check "$scenario" "$g"
done

# A user's golden: record, check, change the scenario, see what changed.
scenario=scenarios/quickstart.toml
expect 0 "golden recorded: .*2 trees" -- "$plumsim" golden record "$scenario" --out "$tmp/q.golden" --roots "n0, n3" --tolerance heartbeat.rmr_mean=0.5
expect 0 "match" -- "$plumsim" golden check "$scenario" "$tmp/q.golden"
sed 's/min = "3ms"/min = "1ms"/' "$scenario" >"$tmp/changed.toml"
grep -q 'min = "1ms"' "$tmp/changed.toml" || fail "could not change the scenario"
expect 1 "tree n0@1m: depth 1 -> 2; edges added: .*; edges removed: .*n0-" -- "$plumsim" golden check "$tmp/changed.toml" "$tmp/q.golden"
expect 1 "figure heartbeat.ldh_max: 1 -> [2-9] \(tolerance 0\)" -- "$plumsim" golden check "$tmp/changed.toml" "$tmp/q.golden"
# rmr_mean moved by less than its tolerance: not reported.
out=$("$plumsim" golden check "$tmp/changed.toml" "$tmp/q.golden")
grep -q "heartbeat.rmr_mean" <<<"$out" && fail "a figure within its tolerance was reported: $out"
cp "$tmp/q.golden" "$tmp/q2.golden"
expect 0 "updated, [0-9]+ differences recorded" -- "$plumsim" golden check "$tmp/changed.toml" "$tmp/q2.golden" --update
expect 0 "match" -- "$plumsim" golden check "$tmp/changed.toml" "$tmp/q2.golden"
grep -q "tolerance = 0.5" "$tmp/q2.golden" || fail "--update lost a tolerance"

# record never writes over what is not a golden, nor over a golden without
# --overwrite; bad input writes nothing.
echo "my notes" >"$tmp/notes.txt"
expect 2 "not a plumsim golden" -- "$plumsim" golden record "$scenario" --out "$tmp/notes.txt" --overwrite
grep -q "my notes" "$tmp/notes.txt" || fail "a foreign file was overwritten"
ln -s "$tmp/q.golden" "$tmp/link.golden"
expect 2 "not a regular file" -- "$plumsim" golden record "$scenario" --out "$tmp/link.golden" --overwrite
expect 2 "pass --overwrite" -- "$plumsim" golden record "$scenario" --out "$tmp/q.golden"
expect 2 "not a regular file" -- "$plumsim" golden record "$scenario" --out "$tmp" --overwrite
expect 2 "folder .* does not exist" -- "$plumsim" golden record "$scenario" --out "$tmp/nowhere/x.golden"
expect 2 "--tolerance nope: no such figure" -- "$plumsim" golden record "$scenario" --out "$tmp/new.golden" --tolerance nope=1
[ ! -e "$tmp/new.golden" ] || fail "a golden was written for bad input"
printf 'seed = [\n' >"$tmp/bad.golden"
expect 2 "bad.golden:1:" -- "$plumsim" golden check "$scenario" "$tmp/bad.golden"

if [ "$failures" -eq 0 ]; then echo "golden_test: all checks passed"; fi
exit "$failures"
