#!/usr/bin/env bash
# End-to-end tests of the plumsim CLI: exit codes, error messages with
# file:line:column, nothing half-written on bad input, determinism across
# processes, replay.
set -uo pipefail
plumsim="$1"
scenario="$2"   # scenarios/quickstart.toml
tmp="${TEST_TMPDIR:-$(mktemp -d)}/cli"
rm -rf "$tmp"; mkdir -p "$tmp"
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE PATTERN -- command...: runs it, checks exit code and that
# stdout+stderr contains PATTERN (grep -E).
expect() {
  local code="$1" pattern="$2"; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ]; then fail "'$*' exited $rc, expected $code; output: $out"; return; fi
  if ! grep -qE -- "$pattern" <<<"$out"; then fail "'$*' output lacks /$pattern/: $out"; fi
}

# --- happy paths ---
expect 0 "trace digest: [0-9a-f]{16}" -- "$plumsim" run "$scenario" --quiet
expect 0 "valid scenario \"quickstart\"" -- "$plumsim" check "$scenario"
expect 0 "node_count|count = 8" -- "$plumsim" check "$scenario" --set nodes.count=8

# Same seed, two processes: byte-identical traces and digests.
"$plumsim" run "$scenario" --quiet --out "$tmp/a" --trace >"$tmp/a.txt" || fail "run a"
"$plumsim" run "$scenario" --quiet --out "$tmp/b" --trace >"$tmp/b.txt" || fail "run b"
cmp -s "$tmp/a/trace.jsonl" "$tmp/b/trace.jsonl" || fail "traces differ across processes"
da=$(grep 'trace digest' "$tmp/a.txt"); db=$(grep 'trace digest' "$tmp/b.txt")
[ -n "$da" ] && [ "$da" = "$db" ] || fail "digests differ across processes: $da / $db"
grep -q "\"digest\": \"${da#trace digest: }\"" "$tmp/a/manifest.json" || fail "manifest digest"
grep -q '"complete": true' "$tmp/a/manifest.json" || fail "manifest complete"
[ "$(head -c 1 "$tmp/a/trace.jsonl")" = "{" ] || fail "trace is not JSON lines"
# Another seed changes the digest.
dc=$("$plumsim" run "$scenario" --quiet --seed 99 | grep 'trace digest')
[ "$dc" != "$da" ] || fail "--seed 99 did not change the digest"
# --set changes it too, and is recorded.
"$plumsim" run "$scenario" --quiet --set nodes.count=6 --out "$tmp/c" >/dev/null || fail "run c"
grep -q 'nodes.count=6' "$tmp/c/manifest.json" || fail "override not in manifest"
grep -q 'count = 6' "$tmp/c/scenario.toml" || fail "resolved scenario lacks the override"

# Replay: identical; a tampered digest is reported (exit 1).
expect 0 "identical" -- "$plumsim" replay "$tmp/a"
sed -i 's/"digest": "[0-9a-f]*"/"digest": "0000000000000000"/' "$tmp/b/manifest.json"
expect 1 "DIFFERENT digest" -- "$plumsim" replay "$tmp/b"
expect 2 "manifest.json: cannot open" -- "$plumsim" replay "$tmp/nothing-here"

# --- bad input: exit 2, a message naming the problem, nothing written ---
expect 2 "missing.toml: cannot open" -- "$plumsim" run "$tmp/missing.toml" --out "$tmp/x1"
[ ! -e "$tmp/x1" ] || fail "output folder created for a missing scenario"

printf 'name = "s"\nduration = "1s"\n[nodes\ncount = 2\n' >"$tmp/syntax.toml"
expect 2 "syntax.toml:3:7: TOML syntax error" -- "$plumsim" run "$tmp/syntax.toml" --out "$tmp/x2"
[ ! -e "$tmp/x2" ] || fail "output folder created for a syntax error"

printf 'name = "s"\nduration = "1s"\n[nodes]\ncount = -1\n' >"$tmp/value.toml"
expect 2 "value.toml:4:9: nodes.count: expected an integer in \[1," -- "$plumsim" check "$tmp/value.toml"

printf 'name = "s"\nduration = "1s"\n[nodes]\ncount = 2\n[[events]]\nat = "0s"\nkind = "crash"\nnodes = "n9"\n' >"$tmp/ref.toml"
expect 2 "ref.toml:8:9: events.nodes: node n9 does not exist" -- "$plumsim" run "$tmp/ref.toml"

expect 2 "unknown flag --sede" -- "$plumsim" run "$scenario" --sede 3
expect 2 "flag --seed=abc" -- "$plumsim" run "$scenario" --seed=abc
expect 2 "--set nodes.count: expected key=value" -- "$plumsim" run "$scenario" --set nodes.count
expect 2 "nodes.count: expected an integer" -- "$plumsim" run "$scenario" --set 'nodes.count="x"'
expect 2 "duration: expected a duration" -- "$plumsim" run "$scenario" --duration forever
expect 2 "unknown command 'walk'" -- "$plumsim" walk "$scenario"
expect 2 "usage:" -- "$plumsim"
expect 2 "--trace needs --out" -- "$plumsim" run "$scenario" --trace
mkdir -p "$tmp/full" && touch "$tmp/full/keep"
expect 2 "not empty; pass --overwrite" -- "$plumsim" run "$scenario" --out "$tmp/full"
[ -e "$tmp/full/keep" ] || fail "existing folder was touched"
expect 0 "trace digest" -- "$plumsim" run "$scenario" --quiet --out "$tmp/full" --overwrite
[ -e "$tmp/full/manifest.json" ] && [ ! -e "$tmp/full/keep" ] || fail "--overwrite did not replace"
ls "$tmp" | grep -q partial && fail "a .partial folder was left behind"

# A failed expectation: exit 1, what was expected and measured, and how to
# reproduce; the outputs are still written.
printf 'name = "e"\nduration = "30s"\n[nodes]\ncount = 3\n[[expect]]\nmetric = "rmr_max"\nat_most = 0.0\n' >"$tmp/expect.toml"
expect 1 "FAIL .*expect.toml:5: rmr_max <= 0" -- "$plumsim" run "$tmp/expect.toml" --quiet --out "$tmp/e"
expect 1 "reproduce with: plumsim run .*expect.toml --seed 1" -- "$plumsim" run "$tmp/expect.toml" --quiet
grep -q '"expectations_failed": 1' "$tmp/e/manifest.json" || fail "manifest lacks expectations_failed"
for f in metrics.json messages.csv timeseries.csv trees/n0@30s.json trees/n0@30s.dot; do
  [ -s "$tmp/e/$f" ] || fail "missing output $f"
done
grep -q '"summary": {"reliability_min": 1' "$tmp/e/metrics.json" || fail "metrics.json summary"
head -1 "$tmp/e/messages.csv" | grep -q '^scenario,seed,root' || fail "messages.csv header"

if [ "$failures" -eq 0 ]; then echo "cli_test: all checks passed"; fi
exit "$failures"
