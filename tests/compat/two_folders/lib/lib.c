/* lib.c: the second source folder. */
#include "lib.h"

int lib_answer(void)
{
    return 42;
}
