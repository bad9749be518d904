/* boot.h: creating the application's tasks from its entry declaration (see boot.c). */
#ifndef OAT_BOOT_H
#define OAT_BOOT_H

#include "host/module.h"

/* Create the tasks and queue their entry points. Returns 0 or a launch failure code. */
int oat_boot_tasks(const oat_boot *boot, adl_InitType_e reason);

#endif
