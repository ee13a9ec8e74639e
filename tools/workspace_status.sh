#!/bin/sh
# Bazel's workspace status (.bazelrc --workspace_status_command): the git
# commit plumsim --version reports. Outside a git checkout: "unknown".
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD 2>/dev/null; then
  commit="$commit-modified"
fi
echo "STABLE_GIT_COMMIT $commit"
