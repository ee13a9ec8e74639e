#!/usr/bin/env bash
# Builds the libFuzzer binary of the scenario reader (tests/fuzz/scenario_fuzz.cc)
# with clang from Debian (clang, libclang-rt-14-dev; tools/setup installs
# them), AddressSanitizer and UndefinedBehaviorSanitizer:
#   tests/fuzz/build.sh OUT_BINARY
# Bazel's toolchain here is g++, which has no libFuzzer, hence this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?usage: tests/fuzz/build.sh OUT_BINARY}"
cxx="${CXX_FUZZ:-clang++}"
objdir="$(mktemp -d)"
trap 'rm -rf "$objdir"' EXIT

# Every library source the scenario reader and a run need: not tests,
# benchmarks or other fuzz targets, nor sim/validate (plumsim validate; its
# Erlang sources are embedded by a Bazel genrule this script does not run).
sources=()
for f in base/*.cc protocol/*.cc sim/*/*.cc; do
  case "$f" in
    *_test.cc | *_benchmark.cc | *_fuzz.cc | protocol/fake_environment.cc) continue ;;
    sim/validate/*) continue ;;
  esac
  sources+=("$f")
done
flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -I. -DTOML_HEADER_ONLY=0
       -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined)
pids=()
for f in "${sources[@]}" tests/fuzz/scenario_fuzz.cc; do
  o="$objdir/$(echo "$f" | tr / _).o"
  "$cxx" "${flags[@]}" -c "$f" -o "$o" &
  pids+=($!)
  # two at a time: the machine has two cores
  if [ "${#pids[@]}" -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
absl_libs=$(ls /usr/lib/x86_64-linux-gnu/libabsl_*.so | sed 's|.*/lib\(absl_[^.]*\)\.so|-l\1|')
"$cxx" -fsanitize=fuzzer,address,undefined "$objdir"/*.o -o "$out" \
  -ltomlplusplus -lzstd $absl_libs -lpthread
echo "built $out"
