#!/usr/bin/env bash
# Layering (DESIGN.md): protocol <- sim <- tools. Fails if any protocol file
# includes simulator or tool headers, or a protocol BUILD target depends on
# //sim or //tools.
set -euo pipefail
status=0
for f in "$@"; do
  case "$f" in
    protocol/BUILD)
      if grep -nE '"//(sim|tools)[:/]' "$f"; then
        echo "FAIL: $f depends on //sim or //tools"; status=1
      fi ;;
    protocol/*)
      if grep -nE '#include\s+"(sim|tools)/' "$f"; then
        echo "FAIL: $f includes a simulator or tool header"; status=1
      fi ;;
  esac
done
count=$#
if [ "$count" -lt 10 ]; then echo "FAIL: only $count protocol files given"; exit 1; fi
[ "$status" -eq 0 ] && echo "layering ok: $count protocol files checked"
exit "$status"
