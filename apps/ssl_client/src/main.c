/* main.c: entry of the ssl_client sample. It declares the task table, subscribes AT+SSLC
 * and waits for the SIM; the network work starts only once the SIM is fully initialised. */
#include "adl_global.h"
#include "ssl_client.h"

const adl_InitTasks_t adl_InitTasks[] = {
    { sslc_Task, ADL_DECLARE_CALL_STACK(4096), "sslc", 1 },
    { 0, 0, 0, 0 }
};

ascii sslc_Host[SSLC_HOST_MAX] = SSLC_HOST;
u16 sslc_Port = SSLC_PORT;
ascii sslc_CaFile[SSLC_PATH_MAX] = SSLC_CA_FILE;
sslc_state_e sslc_State = SSLC_WAIT_NETWORK;
u32 sslc_Round;

static void sslc_SimHandler(u8 Event)
{
    TRACE((1, "ssl_client: SIM event %d", Event));
    if (Event == ADL_SIM_EVENT_FULL_INIT)
        sslc_NetworkStart();
}

void sslc_Task(void)
{
    TRACE((1, "ssl_client: start, boot reason %d, %d rounds", adl_InitGetType(), SSLC_ROUNDS));
    sslc_CmdSubscribe();
    adl_simSubscribe(sslc_SimHandler, NULL);
}
