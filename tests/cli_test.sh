#!/usr/bin/env bash
# End-to-end tests of the plumsim CLI: exit codes, error messages with
# file:line:column, nothing half-written on bad input, determinism across
# processes, replay.
set -uo pipefail
plumsim="$(realpath "$1")"
scenario="$2"   # scenarios/quickstart.toml
tmp="${TEST_TMPDIR:-$(mktemp -d)}/cli"
rm -rf "$tmp"; mkdir -p "$tmp"
source "$(dirname "$0")/sh_lib.sh"
export HOME="$tmp/home"; mkdir -p "$HOME"

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

# Trace flags: the digest stays, the lines follow the filter, zstd holds
# the same lines; a bad kind is refused with the flag's name (exit 2).
"$plumsim" run "$scenario" --quiet --out "$tmp/tz" --trace-kinds peers,merge \
  --trace-roots n3 --trace-compress zstd >"$tmp/tz.txt" || fail "run with trace flags"
[ "$(grep 'trace digest' "$tmp/tz.txt")" = "$da" ] || fail "trace flags changed the digest"
[ -s "$tmp/tz/trace.jsonl.zst" ] && [ ! -e "$tmp/tz/trace.jsonl" ] || fail "no trace.jsonl.zst"
zstd -dc "$tmp/tz/trace.jsonl.zst" >"$tmp/tz.jsonl" || fail "trace.jsonl.zst does not decompress"
grep -E '"ev":"(add_eager|add_lazy|reset_peers|neighbors_down|merge)"' "$tmp/a/trace.jsonl" |
  grep -E '"root":"n3"|"id":\["n3"' >"$tmp/tz.expected"
cmp -s "$tmp/tz.jsonl" "$tmp/tz.expected" || fail "filtered trace is not the full trace's matching lines"
[ "$(wc -l <"$tmp/tz.jsonl")" -gt 0 ] || fail "filtered trace is empty"
grep -q '"trace": "trace.jsonl.zst"' "$tmp/tz/manifest.json" || fail "manifest names the zst trace"
expect 2 "--trace-kinds.*unknown event kind \"grafts\"" -- "$plumsim" run "$scenario" --out "$tmp/x9" --trace-kinds grafts
[ ! -e "$tmp/x9" ] || fail "output folder created for a bad trace kind"
expect 2 "--trace-compress.*expected \"zstd\" or \"none\"" -- "$plumsim" run "$scenario" --out "$tmp/x9" --trace-compress gzip

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

expect 2 "not expected: .*--sede" -- "$plumsim" run "$scenario" --sede 3
expect 2 "--seed abc: expected a whole number" -- "$plumsim" run "$scenario" --seed=abc
expect 2 "--seed -5: expected a whole number" -- "$plumsim" run "$scenario" --seed=-5
expect 2 "--seed 9223372036854775808: expected" -- "$plumsim" run "$scenario" --seed 9223372036854775808
expect 2 "--set nodes.count: expected key=value" -- "$plumsim" run "$scenario" --set nodes.count
expect 2 "^plumsim: --set nodes.count=\"x\": nodes.count: expected an integer" -- "$plumsim" run "$scenario" --set 'nodes.count="x"'
expect 2 "^plumsim: --duration: duration: expected a duration" -- "$plumsim" run "$scenario" --duration forever
expect 2 "unknown command 'walk'" -- "$plumsim" walk "$scenario"
expect 2 "subcommand is required" -- "$plumsim"
expect 2 "--trace needs --out" -- "$plumsim" run "$scenario" --trace
expect 0 "Usage: plumsim run" -- "$plumsim" run --help
expect 0 "^plumsim [0-9.]+$" -- "$plumsim" --version
expect 0 "commit [0-9a-f]" -- "$plumsim" --version
# check applies --seed and --duration to the resolved form, refuses --out.
expect 0 "seed = 77" -- "$plumsim" check "$scenario" --seed 77
expect 0 "duration = .7s." -- "$plumsim" check "$scenario" --duration 7s
expect 2 "not expected: .*--out" -- "$plumsim" check "$scenario" --out "$tmp/nope"

# check validates every section plumsim reads: [explore] and [study] too,
# with the errors explore and study would give.
cat "$scenario" >"$tmp/sections.toml"
printf '\n[explore]\nfautls = ["crash"]\n' >>"$tmp/sections.toml"
expect 2 "sections.toml:[0-9]+:[0-9]+: explore.fautls: unknown key" -- "$plumsim" check "$tmp/sections.toml"
cat "$scenario" >"$tmp/sections.toml"
printf '\n[study]\nreplications = 0\n' >>"$tmp/sections.toml"
expect 2 "sections.toml:[0-9]+:[0-9]+: study.replications: expected an integer" -- "$plumsim" check "$tmp/sections.toml"
cat "$scenario" >"$tmp/sections.toml"
printf '\n[explore]\nfaults = ["crash"]\n' >>"$tmp/sections.toml"
expect 0 "valid scenario" -- "$plumsim" check "$tmp/sections.toml"

# --- the output folder: never delete or clobber what plumsim did not write ---
mkdir -p "$tmp/full" && touch "$tmp/full/keep"
expect 2 "not empty; pass --overwrite" -- "$plumsim" run "$scenario" --out "$tmp/full"
expect 2 "only a folder plumsim wrote.*keep" -- "$plumsim" run "$scenario" --out "$tmp/full" --overwrite
expect 2 "only a folder plumsim wrote.*keep" -- "$plumsim" run "$scenario" --out "$tmp/full/" --overwrite
[ -e "$tmp/full/keep" ] || fail "existing folder was touched"
# A run folder of ours is replaced, also through a trailing slash.
expect 0 "trace digest" -- "$plumsim" run "$scenario" --quiet --out "$tmp/mine/"
expect 0 "trace digest" -- "$plumsim" run "$scenario" --quiet --out "$tmp/mine/" --overwrite --seed 5
grep -q '"seed": 5' "$tmp/mine/manifest.json" || fail "--overwrite with a trailing slash did not replace"
# The current folder, its parents, the root and home are refused, and
# nothing in them is touched; so is the folder holding the scenario.
mkdir -p "$tmp/cwd/sub" && cp "$scenario" "$tmp/cwd/s.toml" && touch "$tmp/cwd/precious"
cp -r "$tmp/mine" "$tmp/cwd/run"
for out in . ./ .. sub/.. "$tmp/cwd" / "$HOME"; do
  expect 2 "--out .*(current folder|root|home)" -- env -C "$tmp/cwd" "$plumsim" run s.toml --quiet --out "$out" --overwrite
done
expect 2 "current folder|contains the scenario file" -- env -C "$tmp/cwd/sub" "$plumsim" run ../s.toml --quiet --out .. --overwrite
expect 2 "contains the scenario file" -- env -C "$tmp/cwd" "$plumsim" run run/scenario.toml --quiet --out run --overwrite
ln -sfn "$tmp/cwd" "$tmp/cwd/sub/link"
expect 2 "current folder|scenario file" -- env -C "$tmp/cwd/sub" "$plumsim" run ../s.toml --quiet --out link/ --overwrite
[ -e "$tmp/cwd/precious" ] && [ -e "$tmp/cwd/s.toml" ] && [ -e "$tmp/cwd/run/manifest.json" ] || fail "a refused --out touched files"
# Missing parents are created.
expect 0 "trace digest" -- "$plumsim" run "$scenario" --quiet --out "$tmp/deep/er/run"
[ -e "$tmp/deep/er/run/manifest.json" ] || fail "parents of --out not created"
# An I/O error (a file-size limit makes writes fail): exit 3 with the path
# and the OS error; nothing left behind, the old output intact.
out=$(ulimit -f 1; "$plumsim" run "$scenario" --quiet --out "$tmp/mine" --overwrite --trace 2>&1); rc=$?
[ "$rc" -eq 3 ] || fail "write failure exited $rc, expected 3: $out"
grep -qE "mine/trace.jsonl: write failed: File too large" <<<"$out" || fail "write failure message: $out"
grep -q '"seed": 5' "$tmp/mine/manifest.json" || fail "the old output did not survive a failed run"
# SIGTERM stops at an event boundary and keeps what is complete.
printf 'name = "long"\nduration = "100000s"\n[nodes]\ncount = 16\n' >"$tmp/long.toml"
"$plumsim" run "$tmp/long.toml" --quiet --out "$tmp/term" >"$tmp/term.txt" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -e "$tmp/.term.plumsim-lock" ] && break; sleep 0.05; done
# A second run on the same folder at once fails cleanly (exit 3).
expect 3 "another plumsim run is writing" -- "$plumsim" run "$tmp/long.toml" --quiet --out "$tmp/term"
kill -TERM "$pid"; wait "$pid"; rc=$?
[ "$rc" -eq 1 ] || fail "SIGTERM: exit $rc, expected 1: $(cat "$tmp/term.txt")"
grep -q '"complete": false' "$tmp/term/manifest.json" || fail "SIGTERM: manifest not marked incomplete"
grep -q "reproduce with: plumsim run .*long.toml --seed 1 --duration 27h46m40s" "$tmp/term.txt" || fail "SIGTERM: reproduce line: $(cat "$tmp/term.txt")"
# Out of memory anyway (an address-space limit; not under AddressSanitizer,
# which needs a large one): a message, exit 3, nothing left behind.
if ! "$plumsim" --version | grep -q AddressSanitizer; then
  printf 'name = "oom"\nduration = "30s"\n[nodes]\ncount = 2000\n' >"$tmp/oom.toml"
  out=$(ulimit -v 800000; "$plumsim" run "$tmp/oom.toml" --quiet --max-memory unlimited --out "$tmp/oom/run" 2>&1); rc=$?
  [ "$rc" -eq 3 ] || fail "out of memory: exit $rc, expected 3: $out"
  grep -q "out of memory" <<<"$out" || fail "out of memory: message: $out"
  [ ! -e "$tmp/oom" ] || fail "out of memory: left $(ls -a "$tmp/oom")"
fi
# Memory: a run that cannot fit is refused before it starts (exit 3).
printf 'name = "huge"\nduration = "1s"\n[nodes]\ncount = 10000000\n' >"$tmp/huge.toml"
expect 3 "needs about .* of memory" -- "$plumsim" run "$tmp/huge.toml" --out "$tmp/huge"
expect 0 "valid scenario" -- "$plumsim" check "$tmp/huge.toml"
[ ! -e "$tmp/huge" ] || fail "output folder created for a refused run"
ls -a "$tmp" "$tmp/deep/er" | grep -q "plumsim-" && fail "a staging folder or lock was left behind"

# A failed expectation: exit 1, what was expected and measured, and how to
# reproduce; the outputs are still written.
printf 'name = "e"\nduration = "30s"\n[nodes]\ncount = 3\n[[expect]]\nmetric = "rmr_max"\nat_most = 0.0\n' >"$tmp/expect.toml"
expect 1 "FAIL .*expect.toml:5: rmr_max <= 0" -- "$plumsim" run "$tmp/expect.toml" --quiet --out "$tmp/e"
expect 1 "reproduce with: plumsim run .*expect.toml --seed 1 --duration 30s" -- "$plumsim" run "$tmp/expect.toml" --quiet
# The reproduce line reproduces the run: same digest.
out=$("$plumsim" run "$tmp/expect.toml" --quiet --seed 4 --set nodes.count=4 --duration 20s)
cmd=$(sed -n 's/^reproduce with: plumsim //p' <<<"$out")
d1=$(grep 'trace digest' <<<"$out")
d2=$(eval "\"$plumsim\" $cmd --quiet" | grep 'trace digest')
[ -n "$d1" ] && [ "$d1" = "$d2" ] || fail "reproduce line gave another digest: $cmd ($d1 / $d2)"
# CSV fields with commas or quotes are quoted (RFC 4180).
printf 'name = "a, \\"b\\""\nduration = "11s"\n[nodes]\ncount = 3\n' >"$tmp/comma.toml"
"$plumsim" run "$tmp/comma.toml" --quiet --out "$tmp/comma" >/dev/null || fail "run comma"
sed -n 2p "$tmp/comma/messages.csv" | grep -q '^"a, ""b""",1,' || fail "CSV not quoted: $(sed -n 2p "$tmp/comma/messages.csv")"
grep -q '"expectations_failed": 1' "$tmp/e/manifest.json" || fail "manifest lacks expectations_failed"
for f in metrics.json messages.csv timeseries.csv trees/n0@30s.json trees/n0@30s.dot; do
  [ -s "$tmp/e/$f" ] || fail "missing output $f"
done
grep -A1 '"summary": {' "$tmp/e/metrics.json" | grep -q '"reliability_min": 1' || fail "metrics.json summary"
head -1 "$tmp/e/messages.csv" | grep -q '^scenario,seed,root' || fail "messages.csv header"

# plumsim diff: identical runs exit 0; another seed exits 1 with the first
# diverging event, found in full traces or, without them, by re-running
# both scenarios into a private temporary folder that is removed after.
"$plumsim" run "$scenario" --quiet --out "$tmp/d1" --trace >/dev/null || fail "diff run 1"
"$plumsim" run "$scenario" --quiet --out "$tmp/d2" --trace --seed 99 >/dev/null || fail "diff run 2"
"$plumsim" run "$scenario" --quiet --out "$tmp/d3" >/dev/null || fail "diff run 3"
"$plumsim" run "$scenario" --quiet --out "$tmp/d4" --seed 99 >/dev/null || fail "diff run 4"
expect 0 "^identical$" -- "$plumsim" diff "$tmp/d1" "$tmp/d3"
expect 1 "first diverging event: #[0-9]+" -- "$plumsim" diff "$tmp/d1" "$tmp/d2"
with=$("$plumsim" diff "$tmp/d1" "$tmp/d2" | grep -A2 'first diverging')
mkdir -p "$tmp/tmpdir"
without=$(TMPDIR="$tmp/tmpdir" "$plumsim" diff "$tmp/d3" "$tmp/d4" 2>/dev/null | grep -A2 'first diverging')
[ -n "$with" ] && [ "$with" = "$without" ] || fail "diff without traces found another event: $with / $without"
[ -z "$(ls -A "$tmp/tmpdir")" ] || fail "diff left files in TMPDIR: $(ls -A "$tmp/tmpdir")"
expect 1 "figures: [0-9]+ differ" -- "$plumsim" diff "$tmp/d3" "$tmp/d4" --no-rerun
expect 1 "first diverging event not searched" -- "$plumsim" diff "$tmp/d3" "$tmp/d4" --no-rerun
"$plumsim" run "$scenario" --quiet --out "$tmp/d5" --set 'network.latency.min="1ms"' >/dev/null
expect 1 "n0@1m: edges added: .*; edges removed: .*; depth 1 -> 2" -- "$plumsim" diff "$tmp/d3" "$tmp/d5" --no-rerun
expect 2 "not a run folder" -- "$plumsim" diff "$tmp/d1" "$tmp/nothing"

if [ "$failures" -eq 0 ]; then echo "cli_test: all checks passed"; fi
exit "$failures"
