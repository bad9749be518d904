/* main.c: entry of the tcp_client sample. It declares the task table, subscribes AT+TCPC
 * and waits for the SIM; the network work starts only once the SIM is fully initialised. */
#include "adl_global.h"
#include "tcp_client.h"

const adl_InitTasks_t adl_InitTasks[] = {
    { tcpc_Task, ADL_DECLARE_CALL_STACK(4096), "tcpc", 1 },
    { 0, 0, 0, 0 }
};

ascii tcpc_Host[TCPC_HOST_MAX] = TCPC_HOST;
u16 tcpc_Port = TCPC_PORT;
u32 tcpc_Size = TCPC_SIZE;
tcpc_state_e tcpc_State = TCPC_WAIT_NETWORK;

static void tcpc_SimHandler(u8 Event)
{
    TRACE((1, "tcp_client: SIM event %d", Event));
    if (Event == ADL_SIM_EVENT_FULL_INIT)
        tcpc_NetworkStart();
}

void tcpc_Task(void)
{
    TRACE((1, "tcp_client: start, boot reason %d", adl_InitGetType()));
    tcpc_CmdSubscribe();
    adl_simSubscribe(tcpc_SimHandler, NULL);
}
