#!/usr/bin/env bash
# scripts/oatemu-build as a tool: a project with broken files still shows every error, the
# count of what compiled and the undefined symbols of the rest; an unchanged project is not
# compiled again; an edited header recompiles only the files that include it.
set -euo pipefail
source "$(dirname "$0")/common.bash"
src=$1 build=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export OATEMU_CACHE_DIR=$work/cache OATEMU_BUILD_DIR=$build
p=$work/proj
mkdir -p "$p/src" "$p/inc"
printf '#include "adl_global.h"\nvoid helper(void);\n' >"$p/inc/app.h"
cat >"$p/src/main.c" <<'C'
#include "app.h"
static void MainTask(void) { helper(); from_broken(); adl_notAnOatemuCall(); }
const adl_InitTasks_t adl_InitTasks[] = { { MainTask, 4096, "main", 1 }, { 0, 0, 0, 0 } };
C
printf '#include "app.h"\nvoid helper(void) { }\n' >"$p/src/helper.c"
printf '#include "app.h"\nvoid from_broken(void) { int x = ; }\n' >"$p/src/broken.c"
printf '#include "app.h"\nvoid other(void) { undeclared_name = 1; }\n' >"$p/src/broken2.c"

out=$("$src/scripts/oatemu-build" "$p" -o "$work/app" --keep-going 2>&1) && fail "a broken project built"
expect_in "$out" "broken.c:2" "the first broken file's error"
expect_in "$out" "undeclared_name" "the second broken file's error"
expect_in "$out" "oatemu-build: compiled 2/4 files" "the count"
expect_in "$out" "adl_notAnOatemuCall: SDK function not provided yet, see docs/api-coverage.md" "SDK name"
expect_in "$out" "from_broken: not an SDK name: your project or a library" "project name"
[ ! -e "$work/app" ] || fail "a partial link was left as the executable"

out=$("$src/scripts/oatemu-build" "$p" -o "$work/app" 2>&1) && fail "a broken project built"
expect_in "$out" "oatemu-build: compiled" "the count without --keep-going"

rm "$p/src/broken.c" "$p/src/broken2.c"
printf '#include "app.h"\nvoid from_broken(void) { }\nvoid adl_notAnOatemuCall(void) { }\n' >"$p/src/fixed.c"
"$src/scripts/oatemu-build" "$p" -o "$work/app" >/dev/null 2>&1 || fail "the fixed project"
objs=$(find "$work/cache" -name '*.o' -printf '%p %T@\n' | sort)
start=$(date +%s%N)
out=$("$src/scripts/oatemu-build" "$p" -o "$work/app" 2>&1)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_in "$out" "oatemu-build: compiled 3/3 files" "second build"
[ "$(find "$work/cache" -name '*.o' -printf '%p %T@\n' | sort)" = "$objs" ] ||
  fail "the second build of an unchanged project compiled again"
echo "oatemu-build: unchanged project rebuilt in $ms ms, nothing compiled"

touch "$p/src/helper.c"
"$src/scripts/oatemu-build" "$p" -o "$work/app" >/dev/null 2>&1
changed=$(find "$work/cache" -name '*.o' -newer "$p/src/helper.c" | wc -l)
[ "$changed" -eq 1 ] || fail "touching one file recompiled $changed files"
echo "oatemu-build: ok"
