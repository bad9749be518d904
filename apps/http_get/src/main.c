/* main.c: entry of the http_get sample: the task and AT+HTTPGET="<url>" (one fetch at a
 * time; ERROR while one runs or for a bad parameter). */
#include "adl_global.h"
#include "http_get.h"

const adl_InitTasks_t adl_InitTasks[] = {
    { httpg_Task, ADL_DECLARE_CALL_STACK(4096), "httpg", 1 },
    { 0, 0, 0, 0 }
};

u8 httpg_Port;
ascii httpg_Url[HTTPG_URL_MAX];
bool httpg_Busy;

static void httpg_CmdHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii *url = Cmd->Type == ADL_CMD_TYPE_PARA ? ADL_GET_PARAM(Cmd, 0) : NULL;
    if (url == NULL || wm_strlen(url) == 0 || wm_strlen(url) >= HTTPG_URL_MAX || httpg_Busy) {
        TRACE((1, "http_get: AT+HTTPGET: no URL, too long, or a fetch is running"));
        adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_ERROR);
        return;
    }
    wm_strcpy(httpg_Url, url);
    httpg_Port = Cmd->Port;
    httpg_Busy = TRUE;
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_OK);
    httpg_Fetch();
}

void httpg_Task(void)
{
    TRACE((1, "http_get: start"));
    adl_atCmdSubscribe("AT+HTTPGET", httpg_CmdHandler, ADL_CMD_TYPE_PARA | 0x11);
}
