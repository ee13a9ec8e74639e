#!/usr/bin/env bash
# plumsim validate end to end (docs/validate.md): refusals before anything is
# written (exit 2), the comparison of a committed real recording
# (--recorded), and with PLUMSIM_PARTISAN set to a compiled Partisan
# checkout, a live run on a real cluster: its outputs, a Ctrl-C that leaves
# no process behind, and nothing listening beyond 127.0.0.1.
set -uo pipefail
plumsim="$(realpath "$1")"
tmp="${TEST_TMPDIR:-$(mktemp -d)}/validate"
rm -rf "$tmp"; mkdir -p "$tmp"
source "$(dirname "$0")/sh_lib.sh"
export HOME="$tmp/home"; mkdir -p "$HOME"
scenario=sim/validate/testdata/four_nodes.toml
recording=sim/validate/testdata/four_nodes

# --- refused before anything runs or is written (exit 2) ---
expect 2 "exactly one of --partisan DIR" -- "$plumsim" validate "$scenario" --out "$tmp/x"
expect 2 "exactly one of --partisan DIR" -- \
  "$plumsim" validate "$scenario" --out "$tmp/x" --partisan "$tmp" --recorded "$recording"
expect 2 "--partisan $tmp/none: no such folder" -- \
  "$plumsim" validate "$scenario" --out "$tmp/x" --partisan "$tmp/none"
mkdir -p "$tmp/checkout"
expect 2 "no compiled Partisan .*no rebar.config" -- \
  "$plumsim" validate "$scenario" --out "$tmp/x" --partisan "$tmp/checkout"
expect 2 "scenarios/partition_tcp.toml:[0-9]+:[0-9]+: partition: a real cluster run applies" -- \
  "$plumsim" validate scenarios/partition_tcp.toml --out "$tmp/x" --recorded "$recording"
expect 2 "transport = \"datagram\"" -- "$plumsim" validate "$scenario" --out "$tmp/x" \
  --recorded "$recording" --set 'network.transport="datagram"'
expect 2 "recorded for another scenario, seed" -- \
  "$plumsim" validate "$scenario" --out "$tmp/x" --recorded "$recording" --set 'duration="41s"'
# Without Erlang on PATH a live run says what to install.
mkdir -p "$tmp/bin"
for p in sh env mkdir; do ln -sf "$(command -v $p)" "$tmp/bin/$p"; done
expect 2 "erl not found on PATH.*erlang-nox" -- \
  env PATH="$tmp/bin" "$plumsim" validate "$scenario" --out "$tmp/x" --partisan "$tmp/checkout"
[ ! -e "$tmp/x" ] || fail "a refused validate wrote $tmp/x"

# --- a committed real recording, compared again ---
"$plumsim" validate "$scenario" --recorded "$recording" --out "$tmp/r" --seeds 3 >"$tmp/r.txt"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "--recorded exited $rc: $(cat "$tmp/r.txt")"
grep -qE "heartbeat.reliability_mean +1 +1\.\.1 +match" "$tmp/r.txt" || fail "no reliability row"
for f in validate.csv validate.html manifest.json sim_scenario.toml real/run.meta; do
  [ -s "$tmp/r/$f" ] || fail "--recorded did not write $f"
done
# Its verdict is its exit code: 1 exactly when some figure is outside.
outside=$(grep -c ',outside$' "$tmp/r/validate.csv")
[ $((outside > 0)) -eq "$rc" ] || fail "exit $rc with $outside figures outside"
# The same again: byte-identical, and refused without --overwrite.
expect 2 "not empty|--overwrite" -- \
  "$plumsim" validate "$scenario" --recorded "$recording" --out "$tmp/r" --seeds 3
cp "$tmp/r/validate.csv" "$tmp/first.csv"
"$plumsim" validate "$scenario" --recorded "$recording" --out "$tmp/r/" --seeds 3 --overwrite \
  >/dev/null
cmp -s "$tmp/first.csv" "$tmp/r/validate.csv" || fail "validate.csv differs between two runs"
# --overwrite never replaces a folder holding a file of the user's.
echo mine >"$tmp/r/real/notes.txt"
expect 2 "real/notes.txt" -- "$plumsim" validate "$scenario" --recorded "$recording" \
  --out "$tmp/r" --seeds 3 --overwrite
[ "$(cat "$tmp/r/real/notes.txt")" = mine ] || fail "the user's file was touched"

# --- --out: the current folder, its parents, the root, home, the scenario's
# folder and a symlink to one of them are refused, with or without a
# trailing slash, and nothing in them is touched ---
abs_scenario=$(realpath "$scenario"); abs_recording=$(realpath "$recording")
mkdir -p "$tmp/cwd/sub" && cp "$abs_scenario" "$tmp/cwd/s.toml" && touch "$tmp/cwd/precious"
ln -sfn "$tmp/cwd" "$tmp/cwd/sub/link"
for out in . ./ .. sub/.. "$tmp/cwd" "$tmp/cwd/" / "$HOME" sub/link sub/link/; do
  expect 2 "--out .*(current folder|root|home|scenario file)" -- env -C "$tmp/cwd" \
    "$plumsim" validate s.toml --recorded "$abs_recording" --out "$out" --overwrite
done
[ -e "$tmp/cwd/precious" ] && [ -e "$tmp/cwd/s.toml" ] && [ -L "$tmp/cwd/sub/link" ] ||
  fail "a refused --out touched files"
# A folder `plumsim run` wrote is not replaced by validate.
"$plumsim" run "$scenario" --quiet --out "$tmp/a_run" >/dev/null
expect 2 "does not write|not one plumsim wrote" -- "$plumsim" validate "$scenario" \
  --recorded "$recording" --out "$tmp/a_run" --overwrite
[ -e "$tmp/a_run/metrics.json" ] || fail "validate --overwrite touched a run folder"

# --- a live run on a real Partisan cluster (PLUMSIM_PARTISAN) ---
ours() { pgrep -f "plumsim_validate_" || true; }
if [ -z "${PLUMSIM_PARTISAN:-}" ]; then
  echo "SKIPPED: the live run (set PLUMSIM_PARTISAN to a compiled Partisan checkout:"
  echo "  bazel test //tests:validate_cli_test --test_env=PLUMSIM_PARTISAN=DIR)"
else
  live="$tmp/live"
  "$plumsim" validate "$scenario" --partisan "$PLUMSIM_PARTISAN" --out "$live" --seeds 3 \
    >"$tmp/live.txt" 2>&1 &
  pid=$!
  # While it runs: every listening socket of its VMs is on 127.0.0.1. Wait
  # (polling its progress, bounded) until every node has started: the first
  # broadcast comes after the last start.
  listeners() { for p in $(ours); do ss -Hltnp 2>/dev/null | grep "pid=$p,"; done; }
  for _ in $(seq 1 300); do grep -q "real: t=12.0s broadcast" "$tmp/live.txt" && break; sleep 0.2; done
  # Partisan's listener on each of the 4 nodes, besides distribution's.
  [ "$(listeners | wc -l)" -ge 4 ] || fail "live: fewer than 4 listening sockets: $(listeners)"
  for p in $(ours); do
    ss -Hltnp 2>/dev/null | grep "pid=$p," | grep -vE "127\.0\.0\.1:" &&
      fail "VM $p listens beyond 127.0.0.1"
  done
  wait "$pid"; rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "live validate exited $rc: $(tail -20 "$tmp/live.txt")"
  grep -qE "heartbeat.reliability_min +1 " "$tmp/live.txt" || fail "live: reliability not 1"
  grep -q "^partisan_vsn" "$live/real/run.meta" || fail "live: no run.meta"
  [ -z "$(ours)" ] || fail "live: processes left: $(ours)"
  # Ctrl-C in the middle of a real run: exit 3, nothing written, nothing left.
  "$plumsim" validate "$scenario" --partisan "$PLUMSIM_PARTISAN" --out "$tmp/int" \
    >"$tmp/int.txt" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do grep -q "real: t=" "$tmp/int.txt" && break; sleep 0.2; done
  kill -INT "$pid"
  wait "$pid"; rc=$?
  [ "$rc" -eq 3 ] || fail "interrupted validate exited $rc: $(tail -5 "$tmp/int.txt")"
  [ ! -e "$tmp/int" ] || fail "an interrupted validate left $tmp/int"
  [ -z "$(ours)" ] || fail "interrupted: processes left: $(ours)"
fi

[ "$failures" -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }
