/* tcp_echo_server.h: shared declarations of the tcp_echo_server sample (a WIP TCP server that
 * echoes every connection). The port is compile-time; -DTCPS_PORT=<n> changes it. */
#ifndef TCP_ECHO_SERVER_H
#define TCP_ECHO_SERVER_H

#include "adl_global.h"
#include "wip.h"

#ifndef TCPS_PORT
#define TCPS_PORT   7
#endif
#define TCPS_CHUNK  1460    /* bytes read and not yet echoed, per connection */

/* One accepted connection: the bytes read but not yet taken by wip_write. */
typedef struct {
    wip_channel_t Channel;
    u32 Id;
    u32 Echoed;
    u32 Pending;
    u8 Buf[TCPS_CHUNK];
} tcps_conn_t;

void tcps_Task(void);
void tcps_ServerStart(void);

#endif
