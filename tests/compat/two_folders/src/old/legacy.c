/* legacy.c: an old copy the project keeps but does not build (excluded). */
#error "src/old must be excluded"
