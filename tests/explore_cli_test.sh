#!/usr/bin/env bash
# End-to-end tests of `plumsim explore`: outputs, resumption, the same
# results for any --jobs and for shards, --check, and bad input or a
# refused --out writing nothing.
set -uo pipefail
plumsim="$(realpath "$1")"
scenario="$(realpath "$2")"   # scenarios/explore_full.toml
tmp="${TEST_TMPDIR:-$(mktemp -d)}/explore"
rm -rf "$tmp"; mkdir -p "$tmp"
source "$(dirname "$0")/sh_lib.sh"
export HOME="$tmp/home"; mkdir -p "$HOME"
cd "$tmp"

# exit 0 (no finding) or 1 (findings): both are results.
explore() { "$plumsim" explore "$scenario" --quiet "$@"; rc=$?; [ "$rc" -le 1 ] || fail "explore $* exited $rc"; }

explore --runs 8 --jobs 2 --out a >a.txt
grep -q "8 of 8 runs done" a.txt || fail "summary: $(cat a.txt)"
[ "$(wc -l < a/explore.csv)" -eq 9 ] || fail "explore.csv has a header and 8 rows"
head -1 a/explore.csv | grep -q '^run,seed,enabled,faults,fault_list,outcome,invariants,digest$' || fail "csv header"
cmp -s a.txt a/summary.txt || fail "summary.txt differs from what was printed"

# The same runs whatever the number of jobs, and in shards.
explore --runs 8 --jobs 1 --out b >/dev/null
cmp -s a/explore.csv b/explore.csv || fail "--jobs 1 and 2 differ: $(diff a/explore.csv b/explore.csv)"
explore --runs 8 --out c --shard 1/2 >/dev/null
grep -q "not every run is done" <("$plumsim" explore "$scenario" --quiet --runs 8 --out c --shard 1/2) \
  || fail "a shard's summary says the rest is missing"
explore --runs 8 --out c --shard 2/2 >/dev/null
cmp -s a/explore.csv c/explore.csv || fail "shards differ: $(diff a/explore.csv c/explore.csv)"

# Resume: nothing is redone; more runs add to the folder.
explore --runs 8 --out a >again.txt
grep -q " run(s) in " again.txt && fail "a finished exploration ran again: $(cat again.txt)"
explore --runs 10 --out a >more.txt
grep -q "10 of 10 runs done" more.txt || fail "10 runs: $(cat more.txt)"
grep -q "  2 run(s) in " more.txt || fail "only the 2 new runs ran: $(cat more.txt)"
head -9 a/explore.csv | cmp -s - b/explore.csv || fail "resumed rows changed"

# A finding through the command: an [[expect]] entry that faults break is
# shrunk to a file whose plain run fails it, with the digest it names.
cat > expfind.toml <<'TOML'
name = "expfind"
seed = 2
duration = "80s"
[nodes]
count = 8
[heartbeat]
broadcast_heartbeat_interval = "1s"
[network]
transport = "datagram"
[[expect]]
metric = "rmr_max"
at_most = 0
after = "10s"
[explore]
faults = ["crash_restart"]
quiet = "30s"
TOML
expect 1 "findings expect: " -- "$plumsim" explore expfind.toml --runs 4 --out found --quiet
f=found/findings/expect-1.toml
[ -f "$f" ] || fail "no shrunk finding file"
digest=$(sed -n 's/^# Reproduce (trace digest \([0-9a-f]*\)):$/\1/p' "$f")
expect 1 "trace digest: $digest" -- "$plumsim" run "$f" --quiet
expect 1 "expect +expect" -- "$plumsim" explore "$f" --check

# A protocol finding: over HyParView a dead listener (reopened at once, as
# Partisan's supervisor does) leaves one-way active views. It is shrunk to
# findings/protocol-*.toml, listed apart from findings, and exits 0.
cat > gray.toml <<'TOML'
name = "gray"
seed = 3
duration = "90s"
[nodes]
count = 10
start_interval = "10ms"
[membership]
kind = "hyparview"
[heartbeat]
broadcast_heartbeat_interval = "2s"
[explore]
faults = ["listener_crash"]
faults_per_run = { min = 1, max = 1 }
quiet = "40s"
TOML
expect 0 "protocol findings [a-z_]+: [0-9] run" -- "$plumsim" explore gray.toml --runs 3 --out gray --quiet
grep -q "^  findings: none$" gray/summary.txt || fail "a protocol finding counted as a simulator finding"
grep -q ",protocol," gray/explore.csv || fail "explore.csv outcome protocol: $(cat gray/explore.csv)"
f=$(ls gray/findings/protocol-*-1.toml 2>/dev/null | head -1)
[ -n "$f" ] || fail "no shrunk protocol finding: $(ls gray/findings)"
grep -q "partisan_hyparview_peer_service_manager" "$f" || fail "the finding names no Erlang clause"
expect 0 "one_way_views +protocol" -- "$plumsim" explore "$f" --check
expect 0 "trace digest" -- "$plumsim" run "$f" --quiet

# --check: one run against the invariants.
expect 0 "every invariant holds" -- "$plumsim" explore "$scenario" --check

# Bad input and refused folders: exit 2, nothing written.
sed 's/"crash_restart", "crash",/"crash_restart", "meteor",/' "$scenario" > bad.toml
expect 2 "bad.toml:[0-9]+:[0-9]+: explore.faults: unknown fault \"meteor\"" -- "$plumsim" explore bad.toml --out bad
expect 2 "--runs" -- "$plumsim" explore "$scenario" --runs 0 --out bad
expect 2 "shard 3/2" -- "$plumsim" explore "$scenario" --shard 3/2 --out bad
[ ! -e bad ] || fail "bad input wrote its --out"
mkdir -p mine; echo keep > mine/notes.txt
expect 2 "current folder" -- "$plumsim" explore "$scenario" --out .
expect 2 "current folder" -- "$plumsim" explore "$scenario" --out ..
expect 2 "current folder" -- "$plumsim" explore "$scenario" --out ./
expect 2 "home folder" -- "$plumsim" explore "$scenario" --out "$HOME"
expect 2 "contains the scenario file" -- "$plumsim" explore "$scenario" --out "$(dirname "$scenario")/"
ln -s mine linked
expect 2 "holds no plumsim exploration" -- "$plumsim" explore "$scenario" --out linked/
expect 2 "holds no plumsim exploration" -- "$plumsim" explore "$scenario" --out mine
expect 2 "another scenario text or seed" -- "$plumsim" explore "$scenario" --out a --seed 2 --runs 2
[ "$(ls mine)" = notes.txt ] && [ "$(cat mine/notes.txt)" = keep ] || fail "mine/ changed"

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "explore_cli_test: all passed"
