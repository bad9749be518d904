/* options.h: registers the options of every layer (core, ADL, WIP) with the core's registry, once
 * per process; the entry point and the test kit call it before they load a configuration. */
#ifndef OAT_HOST_OPTIONS_H
#define OAT_HOST_OPTIONS_H

/* Returns 0, or -1 when a layer's table was refused (the reason is on stderr). */
int oat_options_register_all(void);

#endif
