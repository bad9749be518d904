/* common_global, second file: the same tentative definition of the global. */
#include "adl_global.h"

int shared_counter;

void bump_b(void)
{
    shared_counter += 2;
}
