#!/usr/bin/env bash
# run.sh: builds the libFuzzer harnesses of tests/fuzz (clang, -DOATEMU_FUZZ=ON, in their own
# build folder) and runs each for N seconds from its seed corpus, one after the other.
# Usage: tests/fuzz/run.sh [seconds (default 30)] [harness...]   (default: every fuzz_*.c)
# OATEMU_FUZZ_BUILD_DIR picks the build folder (default build-fuzz). The corpus grows in the
# build folder, never in tests/fuzz/corpus; a finding is left in <build>/fuzz/findings/<harness>/
# and the script fails.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
build=${OATEMU_FUZZ_BUILD_DIR:-$checkout/build-fuzz}
seconds=${1:-30}
shift || true
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for src in "$checkout"/tests/fuzz/fuzz_*.c; do harnesses+=("$(basename "$src" .c)"); done
fi
if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: installing clang and its libFuzzer runtime" >&2
  apt-get update -qq && apt-get install -y -qq clang libclang-rt-dev >/dev/null
fi
CC=clang CXX=clang++ cmake -S "$checkout" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOATEMU_WERROR="${OATEMU_WERROR:-OFF}" -DOATEMU_FUZZ=ON -DOATEMU_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${harnesses[@]}"

failed=()
for h in "${harnesses[@]}"; do
  corpus=$build/fuzz/corpus/$h findings=$build/fuzz/findings/$h
  mkdir -p "$corpus" "$findings"
  cp "$checkout/tests/fuzz/corpus/$h"/* "$corpus/"
  log=$build/fuzz/$h.log
  if "$build/fuzz/$h" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1; then
    # The last status line: "#<runs> ... cov: <edges> ft: <features> corp: <units>/<size>".
    status=$(grep -E '^#[0-9]+' "$log" | tail -1)
    echo "fuzz: $h: ${seconds}s, no finding: $status"
  else
    echo "fuzz: $h: FINDING (see $log and $findings):" >&2
    grep -E 'ERROR|check failed|SUMMARY' "$log" | head -5 >&2
    failed+=("$h")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: findings in ${failed[*]}" >&2; exit 1; }
