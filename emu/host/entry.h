/* entry.h: the application's entry declaration as linked into the program (see entry.c). */
#ifndef OAT_ENTRY_H
#define OAT_ENTRY_H

#include "host/module.h"

/* Fill out with the linked task table, or else adl_main (both NULL when the application
 * declares neither: the launch then fails as on the module). Returns true when both are
 * declared (the module forbids it; the table is used). */
bool oat_app_entry(oat_boot *out);

#endif
