/* command.c: AT+SSLC, the ssl_client sample's command. AT+SSLC="host",port[,"ca path"] sets
 * the TLS server and the CA file (and runs the rounds again once the previous ones are
 * over); AT+SSLC? shows them, the state and the round. */
#include "adl_global.h"
#include "ssl_client.h"

static void sslc_Error(u8 Port)
{
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Port, ADL_AT_RSP), ADL_STR_ERROR);
}

static void sslc_CmdHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii buf[SSLC_HOST_MAX + SSLC_PATH_MAX + 48];
    ascii *host, *port, *ca;
    u32 p;

    switch (Cmd->Type) {
    case ADL_CMD_TYPE_TEST:
        adl_atSendResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_INT),
                           "\r\n+SSLC: \"host\",(1-65535),\"ca path\"\r\n");
        break;
    case ADL_CMD_TYPE_READ:
        wm_sprintf(buf, "\r\n+SSLC: \"%s\",%u,\"%s\",%u,%u\r\n", sslc_Host, (unsigned)sslc_Port,
                   sslc_CaFile, (unsigned)sslc_State, (unsigned)sslc_Round);
        adl_atSendResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_INT), buf);
        break;
    case ADL_CMD_TYPE_PARA:
        host = ADL_GET_PARAM(Cmd, 0);
        port = ADL_GET_PARAM(Cmd, 1);
        ca = Cmd->NbPara > 2 ? ADL_GET_PARAM(Cmd, 2) : NULL;
        if (host == NULL || port == NULL || wm_strlen(host) == 0 ||
            wm_strlen(host) >= SSLC_HOST_MAX || !wm_isnumstring(port) ||
            (ca != NULL && (wm_strlen(ca) == 0 || wm_strlen(ca) >= SSLC_PATH_MAX))) {
            TRACE((1, "ssl_client: AT+SSLC: bad parameters"));
            sslc_Error(Cmd->Port);
            return;
        }
        p = (u32)wm_atoi(port);
        if (p < 1 || p > 65535) {
            TRACE((1, "ssl_client: AT+SSLC: port %d out of range", p));
            sslc_Error(Cmd->Port);
            return;
        }
        if (sslc_State != SSLC_IDLE && sslc_State != SSLC_WAIT_NETWORK) {
            TRACE((1, "ssl_client: AT+SSLC: a round is running"));
            sslc_Error(Cmd->Port);
            return;
        }
        wm_strcpy(sslc_Host, host);
        sslc_Port = (u16)p;
        if (ca != NULL)
            wm_strcpy(sslc_CaFile, ca);
        if (sslc_State == SSLC_IDLE)
            sslc_RoundsStart();
        break;
    default:
        sslc_Error(Cmd->Port);
        return;
    }
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_OK);
}

void sslc_CmdSubscribe(void)
{
    adl_atCmdSubscribe("AT+SSLC", sslc_CmdHandler,
                       ADL_CMD_TYPE_PARA | ADL_CMD_TYPE_TEST | ADL_CMD_TYPE_READ | 0x32);
}
