# Helpers for the shell tests (sourced): fail counts a failure; expect runs
# a command and checks its exit code and output.
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
