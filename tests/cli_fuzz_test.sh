#!/usr/bin/env bash
# 150 mutants of the shipped scenarios through the real CLI (tests/cli_fuzz.cc).
set -uo pipefail
fuzz="$(realpath "$1")"; plumsim="$(realpath "$2")"
work="${TEST_TMPDIR:-$(mktemp -d)}/cli_fuzz"
keep="${TEST_UNDECLARED_OUTPUTS_DIR:-$work/findings}"
"$fuzz" --plumsim "$plumsim" --seeds scenarios --count "${CLI_FUZZ_COUNT:-150}" \
  --seed "${CLI_FUZZ_SEED:-1}" --work "$work" --keep "$keep" --timeout 20 --grace 40
