#!/usr/bin/env bash
# The layering table (layers.bzl, drawn in docs/architecture.md) against the
# code: every #include of a project header and every //package dependency in
# a BUILD file must point at the file's own package or at one its package may
# use. Bazel's visibility already refuses an upward dependency; this also
# catches an include that compiles only because the header arrives
# transitively, and it checks that the table names every package.
#
#   layering_test.sh LAYERS_BZL FILE...      (FILE: sources and BUILD files)
#   layering_test.sh --self-test LAYERS_BZL  (a planted violation must fail)
set -uo pipefail

if [ "${1:-}" = "--self-test" ]; then
  self=$(realpath "$0"); layers=$(realpath "$2")
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  mkdir -p "$dir/sim/kernel" "$dir/sim/world"
  printf '#include "sim/world/simulation.h"\n' >"$dir/sim/kernel/time.cc"
  printf 'cc_library(name = "x", deps = ["//sim/run:runner"])\n' >"$dir/sim/world/BUILD"
  out=$(cd "$dir" && "$self" "$layers" sim/kernel/time.cc sim/world/BUILD 2>&1)
  if [ $? -eq 0 ]; then echo "FAIL: planted violations passed:"; echo "$out"; exit 1; fi
  for want in "sim/kernel/time.cc:1 includes sim/world" "sim/world/BUILD:1 depends on //sim/run"; do
    grep -qF "$want" <<<"$out" || { echo "FAIL: '$want' not reported:"; echo "$out"; exit 1; }
  done
  echo "self-test ok: planted violations reported"
  exit 0
fi

layers=$1; shift
declare -A allowed
while IFS= read -r line; do
  pkg=$(sed -E 's/^ *"([^"]+)".*/\1/' <<<"$line")
  uses=$(sed -E 's/^[^:]*: *\[(.*)\],?$/\1/' <<<"$line" | tr -d '" ' | tr ',' ' ')
  allowed[$pkg]=" $uses "
done < <(grep -E '^ *"[a-z/]+": \[' "$layers")
[ "${#allowed[@]}" -ge 10 ] || { echo "FAIL: read only ${#allowed[@]} packages from $layers"; exit 1; }

# A file's package: its folder (tests/ and bench/ may use anything).
may_use() {  # may_use FROM_PACKAGE TO_PACKAGE
  local from=$1 to=$2
  [ "$from" = "$to" ] && return 0
  case "$from" in tests|tests/*|bench|bench/*) return 0 ;; esac
  local uses=${allowed[$from]-}
  [ -n "$uses" ] || return 1
  [[ "$uses" == *" * "* || "$uses" == *" $to "* ]]
}

status=0; files=0
declare -A seen
for f in "$@"; do
  pkg=$(dirname "$f")
  files=$((files + 1)); seen[$pkg]=1
  if [ -z "${allowed[$pkg]-}" ]; then
    echo "FAIL: $f: package $pkg is not in layers.bzl"; status=1; continue
  fi
  case "$f" in
    */BUILD)
      while IFS=: read -r n dep; do
        to=$(sed -E 's|^"//([^:"]+).*|\1|' <<<"$dep")
        may_use "$pkg" "$to" || { echo "FAIL: $f:$n depends on //$to, which $pkg may not use"; status=1; }
      # //: (layers.bzl) and //docs (test data: docs checked against code) are no layers.
      done < <(grep -noE '"//[a-z_/]+[:"]' "$f" | grep -v '"//visibility' | grep -vE '"//(:|docs[:"])') ;;
    *)
      while IFS=: read -r n inc; do
        to=$(dirname "$inc")
        may_use "$pkg" "$to" || { echo "FAIL: $f:$n includes $inc, which $pkg may not use"; status=1; }
      done < <(grep -noE '^#include "(base|protocol|sim|cli)/[^"]+"' "$f" | sed -E 's/#include "([^"]+)"/\1/') ;;
  esac
done
for pkg in "${!allowed[@]}"; do
  [ -n "${seen[$pkg]-}" ] || { echo "FAIL: no files given for package $pkg"; status=1; }
done
[ "$status" -eq 0 ] && echo "layering ok: $files files in ${#seen[@]} packages checked"
exit "$status"
