# common.bash: helpers shared by the scripted sample checks (sourced, not run by ctest).
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_in() {   # expect_in <text> <needle> <what>
  case "$1" in *"$2"*) ;; *) printf '%s\n' "$1" >&2; fail "$3: '$2' not found" ;; esac
}
# run_app <exe> <flash-dir> <at-input> [flags...]: virtual clock, AT on stdio, traces level 1.
run_app() {
  local exe=$1 flash=$2 input=$3; shift 3
  printf '%b' "$input" | timeout 60 "$exe" --clock=virtual --flash-dir="$flash" --trace=1 "$@" 2>&1
}
