#!/usr/bin/env bash
# `plumsim study jobs` under GNU parallel (Debian's `parallel`): the printed
# commands, run by parallel, give the same runs (same digests) as
# `plumsim study run`.
set -uo pipefail
plumsim="$(realpath "$1")"
study="$(realpath "$2")"     # tests/study_small.toml
tmp="${TEST_TMPDIR:-$(mktemp -d)}/parallel"
rm -rf "$tmp"; mkdir -p "$tmp"; cd "$tmp"
export HOME="$tmp/home"; mkdir -p "$HOME"
command -v parallel >/dev/null || { echo "FAIL: GNU parallel is not installed (tools/setup installs it)"; exit 1; }

"$plumsim" study run "$study" --out local --quiet >/dev/null || { echo "FAIL: study run"; exit 1; }
"$plumsim" study jobs "$study" --out par > jobs.txt || { echo "FAIL: study jobs"; exit 1; }
[ "$(wc -l < jobs.txt)" -eq 4 ] || { echo "FAIL: expected 4 commands"; cat jobs.txt; exit 1; }
parallel --will-cite --jobs 2 --halt now,fail=1 < jobs.txt >parallel.log 2>&1 \
  || { echo "FAIL: parallel"; cat parallel.log; exit 1; }
"$plumsim" study collect local >/dev/null && "$plumsim" study collect par >/dev/null \
  || { echo "FAIL: collect"; exit 1; }
# run id and digest of every run; all four ok.
cut -d, -f1,6,7 local/study.csv > local.txt
cut -d, -f1,6,7 par/study.csv > par.txt
[ "$(grep -c ',ok,\|,expectation_failed,' par/study.csv)" -eq 4 ] || { echo "FAIL: not every run done"; cat par/study.csv; exit 1; }
if ! cmp -s local.txt par.txt; then
  echo "FAIL: GNU parallel's runs differ from study run's"; diff local.txt par.txt; exit 1
fi
echo "study_parallel_test: passed ($(tail -n +2 par.txt | tr '\n' ' '))"
