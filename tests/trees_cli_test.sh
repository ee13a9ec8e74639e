#!/usr/bin/env bash
# plumsim trees: pictures of a run's tree snapshots, radial or histograms,
# written safely (never over files plumsim did not write).
set -uo pipefail
plumsim="$(realpath "$1")"
scenario="$2"   # scenarios/partition_heal.toml
tmp="${TEST_TMPDIR:-$(mktemp -d)}/trees"
rm -rf "$tmp"; mkdir -p "$tmp"
source "$(dirname "$0")/sh_lib.sh"
export HOME="$tmp/home"; mkdir -p "$HOME"

"$plumsim" run "$scenario" --quiet --out "$tmp/run" --set 'snapshots.at=["40s"]' >/dev/null || fail "run"

# Radial pictures: SVG, PNG and the DOT they came from, names in time order.
expect 0 "4 snapshots drawn .* 4 radial trees" -- "$plumsim" trees "$tmp/run" --quiet
ls "$tmp/run/pictures" >"$tmp/list.txt"
grep -qx 'n0@0040.000s.svg' "$tmp/list.txt" || fail "no n0@0040.000s.svg: $(cat "$tmp/list.txt")"
grep -qx 'n0@0120.000s.png' "$tmp/list.txt" || fail "no n0@0120.000s.png"
[ "$(ls "$tmp/run/pictures" | grep '^n0@' | grep svg | head -1)" = "n0@0040.000s.svg" ] || fail "names do not sort in time order"
head -c 8 "$tmp/run/pictures/n0@0120.000s.png" | od -c | grep -q 'P   N   G' || fail "not a PNG"
grep -q '<svg' "$tmp/run/pictures/n0@0040.000s.svg" || fail "not an SVG"
# Eager edges only, directed from the root; the nodes cut off by the
# partition at 40 s are marked.
grep -q 'n0 -> ' "$tmp/run/pictures/n0@0040.000s.dot" || fail "no edge from the root"
grep -q 'fillcolor=white' "$tmp/run/pictures/n0@0040.000s.dot" || fail "cut-off nodes not marked"
# Depth rings around the root, and every node placed (neato -n2 redraws it).
grep -q '^  ring1 \[shape=circle' "$tmp/run/pictures/n0@0040.000s.dot" || fail "no depth ring"
grep -q 'pos="' "$tmp/run/pictures/n0@0040.000s.dot" || fail "the .dot has no positions"
grep -q '"pictures_of"' "$tmp/run/pictures/manifest.json" || fail "pictures manifest"

# Histograms past --max-nodes.
expect 0 "0 radial trees, 4 as histograms" -- "$plumsim" trees "$tmp/run" --quiet --out "$tmp/hist" --max-nodes 3
[ -s "$tmp/hist/n0@0040.000s.gp" ] && [ -s "$tmp/hist/n0@0040.000s.svg" ] && [ -s "$tmp/hist/n0@0040.000s.png" ] || fail "histogram files"

# Again: refused without --overwrite, replaced with it.
expect 2 "not empty; pass --overwrite" -- "$plumsim" trees "$tmp/run" --quiet
expect 0 "4 snapshots drawn" -- "$plumsim" trees "$tmp/run" --quiet --overwrite
# Never over anything plumsim did not write: a foreign file, a symlink, a
# file where the folder goes, the current folder and its parents.
touch "$tmp/run/pictures/notes.txt"
expect 2 "holds files plumsim does not write \(notes.txt\)" -- "$plumsim" trees "$tmp/run" --quiet --overwrite
[ -e "$tmp/run/pictures/notes.txt" ] || fail "a foreign file was removed"
# ... and run --overwrite of the run folder refuses it too.
expect 2 "pictures/ \(it holds files plumsim does not write \(notes.txt\)" -- "$plumsim" run "$scenario" --quiet --out "$tmp/run" --overwrite
[ -e "$tmp/run/pictures/notes.txt" ] || fail "run --overwrite removed a foreign file in pictures/"
rm "$tmp/run/pictures/notes.txt"
mkdir -p "$tmp/elsewhere" && touch "$tmp/elsewhere/keep.svg"
ln -s "$tmp/elsewhere" "$tmp/link"
expect 2 "holds files plumsim does not write|not one plumsim wrote|no manifest.json" -- "$plumsim" trees "$tmp/run" --quiet --out "$tmp/link/" --overwrite
[ -e "$tmp/elsewhere/keep.svg" ] || fail "a file behind a symlink was removed"
touch "$tmp/afile"
expect 2 "exists and is not a folder" -- "$plumsim" trees "$tmp/run" --quiet --out "$tmp/afile"
for out in . .. "$HOME"; do
  expect 2 "current folder|home" -- env -C "$tmp/run" "$plumsim" trees . --quiet --out "$out" --overwrite
done
[ -e "$tmp/run/manifest.json" ] || fail "a refused --out touched the run"
# A snapshot in trees/ that is not plumsim's, or a folder that is no run.
expect 2 "not a run folder" -- "$plumsim" trees "$tmp/elsewhere"
cp -r "$tmp/run" "$tmp/run2" && rm -rf "$tmp/run2/pictures"
echo '{"root":"n0"}' >"$tmp/run2/trees/n0@40s.json"
expect 2 "n0@40s.json: no \"at_ns\"" -- "$plumsim" trees "$tmp/run2" --quiet
[ ! -e "$tmp/run2/pictures" ] || fail "pictures written for bad input"
if [ "$failures" -eq 0 ]; then echo "trees_cli_test: all checks passed"; fi
exit "$failures"
