/* main.c: an application that resends a command the module does not know every time it
 * answers, forever: a retry loop that must move emulated time and be named in a trace. */
#include "adl_global.h"

static void loop_Task(void);

const adl_InitTasks_t adl_InitTasks[] = {
    { loop_Task, ADL_DECLARE_CALL_STACK(2048), "loop", 1 },
    { 0, 0, 0, 0 }
};

static bool loop_Response(adl_atResponse_t *Rsp)
{
    if (Rsp->IsTerminal)
        adl_atCmdCreate("AT+NOPE", FALSE, loop_Response, "*", NULL);
    return FALSE;
}

static void loop_Task(void)
{
    adl_atCmdCreate("AT+NOPE", FALSE, loop_Response, "*", NULL);
}
