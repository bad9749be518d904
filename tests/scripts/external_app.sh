#!/usr/bin/env bash
# An application directory outside the checkout builds with no source change: with
# scripts/oatemu-build, with oatemu_add_app() through add_subdirectory, and with an
# installed oatemu found by find_package(). Both entry styles.
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$src/apps/hello" "$work/tracker"
cp -r "$src/apps/hello_legacy" "$work/meter"

# 1. one command
OATEMU_BUILD_DIR=$build "$src/scripts/oatemu-build" "$work/tracker" -o "$work/tracker.bin" >/dev/null
OATEMU_BUILD_DIR=$build "$src/scripts/oatemu-build" "$work/meter" -o "$work/meter.bin" >/dev/null
expect_in "$(run_app "$work/tracker.bin" "$work/f1" 'AT+HELLO=1\r')" "+HELLO: 1/1" "oatemu-build (task table)"
expect_in "$(run_app "$work/meter.bin" "$work/f2" 'AT+HELLO\r')" "+HELLO: legacy boot 1" "oatemu-build (adl_main)"

# 2. add_subdirectory + oatemu_add_app
mkdir -p "$work/proj1"
cat > "$work/proj1/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(user_apps C CXX)
set(OATEMU_TESTS OFF CACHE BOOL "" FORCE)
add_subdirectory("$src" oatemu)
oatemu_add_app(tracker DIR "$work/tracker")
oatemu_add_app(meter DIR "$work/meter")
CMAKE
cmake -S "$work/proj1" -B "$work/proj1/b" >/dev/null
cmake --build "$work/proj1/b" --target tracker meter -j2 >/dev/null
expect_in "$(run_app "$work/proj1/b/tracker" "$work/f3" 'AT+HELLO=2\r')" "+HELLO: 2/2" "oatemu_add_app (task table)"
expect_in "$(run_app "$work/proj1/b/meter" "$work/f4" 'AT+HELLO\r')" "legacy boot 1" "oatemu_add_app (adl_main)"

# 3. installed package: find_package(oatemu) and pkg-config
cmake --install "$build" --prefix "$work/prefix" >/dev/null
mkdir -p "$work/proj2"
cat > "$work/proj2/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(installed_user C)
find_package(oatemu REQUIRED)
oatemu_add_app(tracker DIR "$work/tracker")
CMAKE
cmake -S "$work/proj2" -B "$work/proj2/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/proj2/b" -j2 >/dev/null
expect_in "$(run_app "$work/proj2/b/tracker" "$work/f5" 'AT+HELLO=1\r')" "+HELLO: 1/1" "find_package(oatemu)"
if command -v pkg-config >/dev/null; then
  flags=$(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs oatemu)
  # shellcheck disable=SC2086
  cc -std=gnu11 -I"$work/meter" "$work"/meter/src/*.c $flags -o "$work/meter.pc"
  expect_in "$(run_app "$work/meter.pc" "$work/f6" 'AT+HELLO\r')" "legacy boot 1" "pkg-config"
fi
echo "external apps: ok"
