#!/usr/bin/env bash
# Every project of tests/compat builds unmodified with scripts/oatemu-build and with CMake
# (oatemu_add_app through find_package), runs, and traces "compat <name>: ok". Fixtures marked
# ilp32 must fail on a 64-bit build and pass on the 32-bit one (--m32 / ILP32), built when a
# 32-bit oatemu exists ($OATEMU_BUILD_DIR_M32, default <src>/build-m32); in a 32-bit build
# directory every fixture is built 32-bit.
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export OATEMU_CACHE_DIR=$work/cache

is_32bit() { grep -q '^CMAKE_TOOLCHAIN_FILE:.*i386-linux' "$1/CMakeCache.txt" 2>/dev/null; }
if is_32bit "$build"; then
  build32=$build build64=
else
  build64=$build build32=${OATEMU_BUILD_DIR_M32:-$src/build-m32}
  [ -f "$build32/liboatemu.a" ] || build32=
fi

fixtures=()
for d in "$src"/tests/compat/*/; do fixtures+=("$(basename "$d")"); done

# 32-bit programs run natively, or under qemu-i386 on a kernel without ia32 emulation.
runner=()
pick_runner() {
  "$1" --help >/dev/null 2>&1 && return 0
  if command -v qemu-i386 >/dev/null && qemu-i386 "$1" --help >/dev/null 2>&1; then
    runner=(qemu-i386)
    echo "compat: this kernel does not run 32-bit programs; using qemu-i386"
    return 0
  fi
  return 1
}

# check <name> <exe> <how> <ok|fail>: run the fixture one emulated second, look at its verdict.
check() {
  local name=$1 exe=$2 how=$3 want=$4 out
  out=$(timeout 120 "${runner[@]}" "$exe" --clock=virtual --run-for=1s --at=none --trace=1 \
          --flash-dir="$work/flash-$name" 2>&1) || true
  if [ "$want" = ok ]; then
    expect_in "$out" "compat $name: ok" "$name ($how)"
  else
    case $out in *"compat $name: ok"*) fail "$name ($how): passed on a 64-bit build" ;; esac
  fi
}

# oatemu-build, one fixture: its build log is kept for the checks of the traits.
build_tool() {
  local name=$1 m32=$2 args=()
  local log=$work/$name$m32.log
  [ -f "$src/tests/compat/$name/oatemu-build.args" ] &&
    mapfile -t args <"$src/tests/compat/$name/oatemu-build.args"
  OATEMU_BUILD_DIR=${build64:-$build} OATEMU_BUILD_DIR_M32=$build32 \
    "$src/scripts/oatemu-build" "$src/tests/compat/$name" -o "$work/$name$m32.bin" ${m32:+--m32} \
    "${args[@]}" >"$log" 2>&1 || { cat "$log" >&2; fail "$name: oatemu-build $m32 failed"; }
  grep -q "oatemu-build: compiled \([0-9]*\)/\1 files" "$log" || fail "$name: no compiled N/N line"
  ! grep -q 'redefined' "$log" || { cat "$log" >&2; fail "$name: a macro was redefined"; }
}

# CMake, every fixture in one project against an installed oatemu.
build_cmake() {
  local prefix=$1 bdir=$2 ilp32=$3 toolchain=()
  shift 3
  {
    echo "cmake_minimum_required(VERSION 3.25)"
    echo "project(compat C)"
    echo "find_package(oatemu REQUIRED)"
    for name in "$@"; do
      local extra=
      [ -f "$src/tests/compat/$name/cmake.args" ] && extra=$(<"$src/tests/compat/$name/cmake.args")
      echo "oatemu_add_app($name DIR \"$src/tests/compat/$name\" $extra ${ilp32:+ILP32})"
    done
  } >"$work/$bdir.txt"
  mkdir -p "$work/$bdir"
  cp "$work/$bdir.txt" "$work/$bdir/CMakeLists.txt"
  [ -n "$ilp32" ] && toolchain=(-DCMAKE_TOOLCHAIN_FILE="$prefix/lib/cmake/oatemu/i386-linux.cmake")
  cmake -S "$work/$bdir" -B "$work/$bdir/b" -DCMAKE_PREFIX_PATH="$prefix" "${toolchain[@]}" \
    >"$work/$bdir.log" 2>&1 || { cat "$work/$bdir.log" >&2; fail "cmake configure ($bdir)"; }
  cmake --build "$work/$bdir/b" -j2 >>"$work/$bdir.log" 2>&1 ||
    { cat "$work/$bdir.log" >&2; fail "cmake build ($bdir)"; }
  ! grep -q 'redefined' "$work/$bdir.log" || { cat "$work/$bdir.log" >&2; fail "$bdir: a macro was redefined"; }
}

ilp32_fixtures=() native_fixtures=()
for name in "${fixtures[@]}"; do
  if [ -f "$src/tests/compat/$name/ilp32" ]; then ilp32_fixtures+=("$name"); else native_fixtures+=("$name"); fi
done

if [ -n "$build64" ]; then
  cmake --install "$build64" --prefix "$work/prefix64" >/dev/null
  build_cmake "$work/prefix64" cmake64 "" "${fixtures[@]}"
  for name in "${fixtures[@]}"; do
    build_tool "$name" ""
    want=ok; [ -f "$src/tests/compat/$name/ilp32" ] && want=fail
    check "$name" "$work/$name.bin" "oatemu-build" "$want"
    check "$name" "$work/cmake64/b/$name" "CMake" "$want"
  done
  grep -q 'hint: .*--m32' "$work/ptr_in_u32.log" || fail "ptr_in_u32: no --m32 hint"
  [ "$(grep -c '#include "Config.h"' "$work/include_case.log")" -eq 1 ] ||
    fail "include_case: not one warning for Config.h"
fi

if [ -n "$build32" ]; then
  todo=("${ilp32_fixtures[@]}")
  [ -z "$build64" ] && todo=("${fixtures[@]}")
  cmake --install "$build32" --prefix "$work/prefix32" >/dev/null
  build_cmake "$work/prefix32" cmake32 1 "${todo[@]}"
  for name in "${todo[@]}"; do
    build_tool "$name" "-m32"
    if [ ${#runner[@]} -eq 0 ] && ! pick_runner "$work/$name-m32.bin"; then
      echo "compat: SKIPPED running the 32-bit fixtures: this kernel cannot execute 32-bit" \
           "programs (no ia32 emulation) and there is no qemu-i386; they were built"
      break
    fi
    check "$name" "$work/$name-m32.bin" "oatemu-build --m32" ok
    check "$name" "$work/cmake32/b/$name" "CMake ILP32" ok
  done
  echo "compat: 32-bit fixtures done (${todo[*]})"
else
  echo "compat: no 32-bit oatemu build ($src/build-m32): the ilp32 fixtures ran only on 64 bits"
fi
echo "compat: ok"
