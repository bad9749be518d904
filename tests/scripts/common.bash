# common.bash: helpers shared by the scripted sample checks (sourced, not run by ctest).
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_in() {   # expect_in <text> <needle> <what>
  case "$1" in *"$2"*) ;; *) printf '%s\n' "$1" >&2; fail "$3: '$2' not found" ;; esac
}
# OATEMU_RUNNER: what runs the built programs (e.g. qemu-i386 for a 32-bit build on a kernel
# without ia32 emulation); empty: they run as they are.
runner=(${OATEMU_RUNNER:-})
# run_app <exe> <flash-dir> <at-input> [flags...]: virtual clock, AT on stdio, traces level 1.
run_app() {
  local exe=$1 flash=$2 input=$3; shift 3
  printf '%b' "$input" |
    timeout 60 "${runner[@]}" "$exe" --clock=virtual --flash-dir="$flash" --trace=1 "$@" 2>&1
}
# wait_for <file> <pid> <seconds> <regex> [count]: poll every 50 ms, for at most <seconds>,
# until the file has count (default 1) lines matching, or the process ended (then one last look).
wait_for() {
  local i want=${5:-1}
  for ((i = 0; i < $3 * 20; i++)); do
    (($(grep -Ecs -- "$4" "$1") >= want)) && return 0
    kill -0 "$2" 2>/dev/null || { (($(grep -Ecs -- "$4" "$1") >= want)); return; }
    sleep 0.05
  done
  return 1
}
