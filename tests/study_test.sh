#!/usr/bin/env bash
# End-to-end tests of `plumsim study`: a study's runs are ordinary runs
# (same digest as `plumsim run` with the same --seed and --set), runs
# resume, shards together make the whole study with no run twice, collect
# and plot write their files, and bad input or a refused --out writes
# nothing.
set -uo pipefail
plumsim="$(realpath "$1")"
scenario="$(realpath "$2")"   # scenarios/quickstart.toml
tmp="${TEST_TMPDIR:-$(mktemp -d)}/study"
rm -rf "$tmp"; mkdir -p "$tmp"
source "$(dirname "$0")/sh_lib.sh"
export HOME="$tmp/home"; mkdir -p "$HOME"
cd "$tmp"
# The digest column of study.csv, by run id.
digests() { cut -d, -f1,8 "$1/study.csv" | tail -n +2 | sort; }

mkdir -p studies
cat > studies/s.toml <<TOML
[study]
scenario = "$scenario"
name = "s"
replications = 2
plot = ["reliability_min", "rmr_mean"]
[study.parameters]
"network.loss" = [0, 0.05]
"network.transport" = ["tcp", "datagram"]
TOML

# --- check: the expanded run list ---
expect 0 "4 point\(s\) x 2 replication\(s\) = 8 run\(s\)" -- "$plumsim" study check studies/s.toml
[ "$("$plumsim" study check studies/s.toml | grep -c '^p')" -eq 8 ] || fail "check lists 8 runs"

# --- run: every run, each an ordinary run ---
expect 0 "8 of 8 run\(s\) done" -- "$plumsim" study run studies/s.toml --out out --jobs 2 --quiet
[ "$(ls out/runs | wc -l)" -eq 8 ] || fail "8 run folders: $(ls out/runs)"
for id in p1-r1 p4-r2; do
  args=$(python3 -c "
import json,shlex; r=json.load(open('out/study.json'))
run=[x for x in r['runs'] if x['id']=='$id'][0]
print(' '.join(shlex.quote(a) for a in ['--seed',str(run['seed'])]+sum([['--set',s] for s in run['sets']],[])))")
  direct=$(eval "\"$plumsim\" run \"$scenario\" --quiet $args" | sed -n 's/^trace digest: //p')
  recorded=$(python3 -c "import json; print(json.load(open('out/runs/$id/manifest.json'))['digest'])")
  [ -n "$direct" ] && [ "$direct" = "$recorded" ] || fail "$id: study digest $recorded, plumsim run $direct"
  expect 0 "identical" -- "$plumsim" replay "out/runs/$id"
done

# --- collect and plot ---
expect 0 "8 of 8 run\(s\) collected" -- "$plumsim" study collect out
[ "$(wc -l < out/study.csv)" -eq 9 ] || fail "study.csv has a header and 8 rows"
[ "$(wc -l < out/points.csv)" -eq 5 ] || fail "points.csv has a header and 4 rows"
head -1 out/study.csv | grep -q '^run,point,replication,network.loss,network.transport,seed,status,digest,' \
  || fail "study.csv header: $(head -1 out/study.csv)"
grep -q '^p3,0.05,tcp,2,' out/points.csv || fail "points.csv p3: $(grep ^p3 out/points.csv)"
digests out > digests.run
expect 0 "plots/rmr_mean.svg" -- "$plumsim" study plot out
for f in reliability_min rmr_mean; do
  [ "$(head -c 4 "out/plots/$f.png" | tail -c 3)" = "PNG" ] || fail "$f.png is no PNG"
  grep -q "<svg" "out/plots/$f.svg" || fail "$f.svg is no SVG"
done

# --- resume: a missing and an interrupted run are redone, nothing else ---
rm -rf out/runs/p2-r1
sed -i 's/"complete": true/"complete": false/' out/runs/p3-r2/manifest.json
expect 0 "8 run\(s\), 6 done before, 2 to run" -- "$plumsim" study run studies/s.toml --out out
"$plumsim" study collect out >/dev/null
digests out > digests.resumed
cmp -s digests.run digests.resumed || fail "resumed study differs: $(diff digests.run digests.resumed)"
expect 0 "0 to run" -- "$plumsim" study run studies/s.toml --out out

# --- interrupted (SIGINT to the study): exit 1, then the same command resumes ---
cat > studies/long.toml <<TOML
[study]
scenario = "$scenario"
replications = 3
[study.parameters]
"nodes.count" = [30]
"duration" = ["300s"]
TOML
"$plumsim" study run studies/long.toml --out long --jobs 1 --quiet >long.txt 2>&1 &
study_pid=$!
# Wait (bounded, 120 s) for the first run to finish, then interrupt.
for i in $(seq 1200); do
  compgen -G "long/runs/*/manifest.json" >/dev/null && break
  kill -0 "$study_pid" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$study_pid" 2>/dev/null
wait "$study_pid"; rc=$?
if [ "$rc" -eq 1 ]; then
  grep -q "interrupted: run the same command again to resume" long.txt || fail "interrupt message: $(cat long.txt)"
  done_before=$(grep -l '"complete": true' long/runs/*/manifest.json 2>/dev/null | wc -l)
  [ "$done_before" -lt 3 ] || fail "interrupted study finished every run"
  expect 0 "3 run\(s\), $done_before done before, $((3 - done_before)) to run" -- \
    "$plumsim" study run studies/long.toml --out long --jobs 2
else
  # The study ended before the signal arrived (a very fast machine): still a pass of resume.
  [ "$rc" -eq 0 ] || fail "interrupted study exited $rc: $(cat long.txt)"
fi
"$plumsim" study run studies/long.toml --out long_whole --jobs 2 --quiet >/dev/null || fail "long_whole"
"$plumsim" study collect long >/dev/null; "$plumsim" study collect long_whole >/dev/null
cmp -s <(digests long) <(digests long_whole) || fail "resumed study differs from a whole one: $(diff <(digests long) <(digests long_whole))"

# --- shards: disjoint, and together the whole study ---
for k in 1 2 3; do
  "$plumsim" study run studies/s.toml --out sharded --shard "$k/3" --quiet >"shard$k.txt" 2>&1 \
    || fail "shard $k/3: $(cat shard$k.txt)"
done
grep -h "run(s) done" shard*.txt | grep -q "3 of 3" || fail "shard 1/3 holds 3 runs"
[ "$(ls sharded/runs | wc -l)" -eq 8 ] || fail "shards made $(ls sharded/runs | wc -l) runs"
"$plumsim" study collect sharded >/dev/null
digests sharded > digests.sharded
cmp -s digests.run digests.sharded || fail "sharded study differs: $(diff digests.run digests.sharded)"

# --- jobs: one command per shard ---
"$plumsim" study jobs studies/s.toml --out jobs > jobs.txt || fail "study jobs"
[ "$(wc -l < jobs.txt)" -eq 8 ] || fail "jobs prints one command per run"
grep -q -- "--shard 8/8 --jobs 1 --quiet$" jobs.txt || fail "jobs line: $(tail -1 jobs.txt)"
[ ! -e jobs ] || fail "study jobs wrote its --out"
[ "$("$plumsim" study jobs studies/s.toml --out jobs --shards 3 | wc -l)" -eq 3 ] || fail "--shards 3"
expect 0 "#SBATCH --array=1-8" -- "$plumsim" study slurm studies/s.toml --out sl --dry-run
expect 0 "SLURM_ARRAY_TASK_ID\}/4" -- "$plumsim" study slurm studies/s.toml --out sl --dry-run --shards 4 --partition p1 --time 0:10:00
[ ! -e sl ] || fail "slurm --dry-run wrote its --out"

# --- bad input: exit 2, nothing written ---
printf '[study]\nreplications = 0\n' > studies/bad.toml
expect 2 "bad.toml:2:16: study.replications" -- "$plumsim" study run studies/bad.toml --out badout
printf '[study]\nscenario = "%s"\n[study.parameters]\n"network.loss" = [0.1, 7]\n' "$scenario" > studies/bad2.toml
expect 2 "bad2.toml:4:18: \"network.loss\" = 7 \(point p2\)" -- "$plumsim" study run studies/bad2.toml --out badout
expect 2 "shard 4/3" -- "$plumsim" study run studies/s.toml --out badout --shard 4/3
expect 2 "cannot open the study file" -- "$plumsim" study run studies/none.toml --out badout
[ ! -e badout ] || fail "bad input wrote badout"

# --- --out safety: never ., a parent, home, a foreign folder, a file, another study ---
mkdir -p mine; echo keep > mine/notes.txt; echo keep > afile
cp -r out out.before
expect 2 "current folder" -- "$plumsim" study run studies/s.toml --out .
expect 2 "current folder" -- "$plumsim" study run studies/s.toml --out ..
expect 2 "current folder" -- "$plumsim" study run studies/s.toml --out ./
expect 2 "home folder" -- "$plumsim" study run studies/s.toml --out "$HOME"
expect 2 "contains the scenario file" -- "$plumsim" study run studies/s.toml --out "$(dirname "$scenario")"
expect 2 "contains the scenario file" -- "$plumsim" study run studies/s.toml --out studies/
expect 2 "holds no plumsim study" -- "$plumsim" study run studies/s.toml --out mine
expect 2 "not a folder" -- "$plumsim" study run studies/s.toml --out afile
ln -s mine linked
expect 2 "holds no plumsim study" -- "$plumsim" study run studies/s.toml --out linked/
# A folder another shard is creating this instant (empty runs/ and logs/,
# study.json's temporary file) is this study's: the shard goes on. With
# anything else in it, it is refused as before.
mkdir -p racing/runs racing/logs && echo '{' > racing/.study.json.tmp-1
expect 0 "" -- "$plumsim" study run studies/s.toml --out racing --shard 1/4 --quiet
[ -s racing/study.json ] || fail "the racing shard wrote no study.json"
mkdir -p racing2/runs && touch racing2/runs/x racing2/.study.json.tmp-1
expect 2 "holds no plumsim study" -- "$plumsim" study run studies/s.toml --out racing2 --shard 1/4
sed 's/replications = 2/replications = 3/' studies/s.toml > studies/s3.toml
expect 2 "holds a different study" -- "$plumsim" study run studies/s3.toml --out out
[ "$(cat mine/notes.txt)" = keep ] && [ "$(ls mine)" = notes.txt ] || fail "mine/ was changed"
[ "$(cat afile)" = keep ] || fail "afile was changed"
diff -r out out.before >/dev/null || fail "another study's run changed out/"
expect 2 "not a study folder" -- "$plumsim" study collect mine
echo "run,point,mine" > out/study.csv.keep
printf 'my table\n' > out/points.csv
expect 2 "does not look like a file plumsim wrote" -- "$plumsim" study collect out
[ "$(cat out/points.csv)" = "my table" ] || fail "collect replaced a foreign points.csv"
# plot replaces a picture only beside its own script; never a symlink.
mkdir -p out/plots && echo mine > out/plots/ldh_max.png
sed -i 's/"plot": \[/"plot": ["ldh_max", /' out/study.json
expect 2 "ldh_max.png: not replaced" -- "$plumsim" study plot out
[ "$(cat out/plots/ldh_max.png)" = mine ] || fail "plot replaced a foreign picture"
rm out/plots/ldh_max.png; ln -s ../../afile out/plots/ldh_max.png
expect 2 "ldh_max.png: not replaced" -- "$plumsim" study plot out
[ "$(cat afile)" = keep ] || fail "plot wrote through a symlink"

# --- a [study] inside the scenario file: run ignores it, study run uses it ---
mkdir -p inline
{ cat "$scenario"; printf '\n[study]\nreplications = 2\n[study.parameters]\n"network.loss" = [0, 0.1]\n'; } > inline/q.toml
expect 0 "trace digest: [0-9a-f]{16}" -- "$plumsim" run inline/q.toml --quiet
[ "$("$plumsim" run inline/q.toml --quiet | tail -1)" = "$("$plumsim" run "$scenario" --quiet | tail -1)" ] \
  || fail "a [study] section changed the run"
expect 0 "4 of 4 run\(s\) done" -- "$plumsim" study run inline/q.toml --out inline_out --quiet
grep -q "\"scenario_path\": \"$tmp/inline/q.toml\"" inline_out/study.json || fail "inline study's base is itself"
# A study file naming its scenario is no scenario.
expect 2 "s.toml:2:12: study.scenario: this is a study file" -- "$plumsim" run studies/s.toml

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "study_test: all passed"
