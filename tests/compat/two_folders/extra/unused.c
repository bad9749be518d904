/* unused.c: beside feature.c but not selected: never compiled. */
#error "extra/unused.c must not be built"
