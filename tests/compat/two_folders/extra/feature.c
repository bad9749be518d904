/* feature.c: selected by name; it only builds with WITH_FEATURE defined. */
#include "lib.h"

#ifndef WITH_FEATURE
#error "build with -D WITH_FEATURE=<level>"
#endif

int feature_level(void)
{
    return WITH_FEATURE;
}
