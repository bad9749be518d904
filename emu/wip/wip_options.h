/* wip_options.h: the WIP layer's options (--host-map, --expose, --bearer, --connect-timeout,
 * --ssl-keylog) and where they are kept; each WIP file reads its own here. */
#ifndef OAT_WIP_OPTIONS_H
#define OAT_WIP_OPTIONS_H

#include "wip/bearer_config.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char host_map[1024];
    char expose[256];
    char bearer[256];
    int64_t connect_timeout_us;  /* host TCP connect gives up (WIP_CERR_TIMEOUT) */
    char ssl_keylog[512];        /* "" = no TLS key log; else the file TLS secrets are appended to */
} oat_wip_config;

/* Register the WIP options with the registry (core/config.h). Returns 0 or -1. */
int oat_wip_options_register(void);
const oat_wip_config *oat_wip_cfg(void);
/* The --bearer spec in force, parsed (it was checked when set). */
void oat_bearer_config_active(oat_bearer_cfg *out);

/* One --host-map entry "name[:port]=addr:port" (from_port 0: any port). Returns 0 or -1. */
typedef struct {
    char name[256];
    uint16_t from_port;
    char addr[256];
    uint16_t to_port;
} oat_host_map_item;
int oat_host_map_entry(const char *entry, size_t len, oat_host_map_item *out);

#endif
