#!/usr/bin/env bash
# The test kit from an installed oatemu: a project outside the checkout, with only the
# installed package, builds an Open AT application's GoogleTest tests with oatemu_add_test
# (AT commands typed, virtual time advanced, traces read, the world changed) and runs them
# with ctest.
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$src/apps/hello" "$work/tracker"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
[ -f "$work/prefix/include/oatemu-sdk/oatemu/testing.h" ] || fail "oatemu/testing.h not installed"
[ -f "$work/prefix/include/oatemu-sdk/oatemu/gtest.h" ] || fail "oatemu/gtest.h not installed"

mkdir -p "$work/proj"
cat > "$work/proj/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(tracker_tests C CXX)
find_package(oatemu REQUIRED)
enable_testing()
oatemu_add_test(tracker_test APP_DIR "$work/tracker" SOURCES tracker_test.cpp tracker_c_test.c)
CMAKE
cat > "$work/proj/tracker_test.cpp" <<'CPP'
#include "oatemu/gtest.h"

extern "C" int tracker_c_check(void);

class Tracker : public oatemu::ModuleTest {};

TEST_F(Tracker, AnswersItsCommandAndCountsAnHourOfHeartbeats)
{
    EXPECT_NE(std::string::npos, at("AT+HELLO=2").find("+HELLO: 2/2"));
    oatemu::advance_ms(3600 * 1000);
    EXPECT_EQ(3600 * 1000, oatemu::now_ms());
    EXPECT_NE(std::string::npos, at("AT+HELLO?").find("+HELLO: 1,3600,2"));
    EXPECT_NE(std::string::npos, all_traces().find("hello: start"));
}

TEST_F(Tracker, TheWorldControlsAnswer)
{
    EXPECT_EQ(0, oatemu_set_rtc(1767225600));
    EXPECT_EQ(1767225600, oatemu_rtc());
    EXPECT_EQ(0, oatemu_set_bearer("delay=2s"));
    EXPECT_EQ(-1, oatemu_set_bearer("delay=soon"));
    EXPECT_NE(std::string::npos, traces().find("--bearer"));
    EXPECT_EQ(0, oatemu_bearer_drop());
}

TEST(TrackerC, TheCApiBootsTheLinkedApplication) { EXPECT_EQ(0, tracker_c_check()); }
CPP
cat > "$work/proj/tracker_c_test.c" <<'C'
/* The C API alone, as a C test framework would use it. */
#include "oatemu/testing.h"
#include <string.h>

int tracker_c_check(void)
{
    const char *flags[] = { "--sim-pin=0000", NULL };
    if (oatemu_boot(flags) != 0 || !oatemu_running())
        return 1;
    oatemu_advance_ms(2000);
    int rc = strcmp(oatemu_sim_cpin(), "SIM PIN") == 0 ? 0 : 2;
    char *out = oatemu_at("AT+CPIN=0000");
    if (!rc && !strstr(out, "OK"))
        rc = 3;
    oatemu_free(out);
    oatemu_advance_ms(2000);
    if (!rc && !oatemu_sim_ready())
        rc = 4;
    return oatemu_stop() == 0 ? rc : 5;
}
C
cmake -S "$work/proj" -B "$work/proj/b" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/cfg.log" 2>&1 ||
  { cat "$work/cfg.log" >&2; fail "configure against the installed package"; }
cmake --build "$work/proj/b" -j2 >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "build of the test project"; }
out=$(cd "$work/proj/b" && ctest --output-on-failure 2>&1) || { echo "$out" >&2; fail "the project's ctest"; }
expect_in "$out" "100% tests passed, 0 tests failed out of 3" "the project's three tests ran under ctest"
echo "external test kit: ok"
