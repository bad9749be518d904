/* main.c: entry of the tcp_echo_server sample. It declares the task table and starts the
 * WIP stack and the server at once: module-loopback and exposed clients need no bearer. */
#include "adl_global.h"
#include "wip.h"
#include "tcp_echo_server.h"

const adl_InitTasks_t adl_InitTasks[] = {
    { tcps_Task, ADL_DECLARE_CALL_STACK(4096), "tcps", 1 },
    { 0, 0, 0, 0 }
};

void tcps_Task(void)
{
    s8 rc;
    TRACE((1, "tcp_echo_server: start, boot reason %d", adl_InitGetType()));
    rc = wip_netInit();
    if (rc != 0) {
        TRACE((1, "tcp_echo_server: wip_netInit failed %d", rc));
        return;
    }
    tcps_ServerStart();
}
