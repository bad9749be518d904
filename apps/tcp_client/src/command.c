/* command.c: AT+TCPC, the tcp_client sample's command. AT+TCPC="host",port[,size] sets the
 * echo server (and starts another run once the previous one is over), AT+TCPC? shows them. */
#include "adl_global.h"
#include "tcp_client.h"

static void tcpc_Reply(u8 Port, const ascii *Text)
{
    adl_atSendResponse(ADL_AT_PORT_TYPE(Port, ADL_AT_INT), Text);
}

static void tcpc_Error(u8 Port)
{
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Port, ADL_AT_RSP), ADL_STR_ERROR);
}

static void tcpc_CmdHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii buf[TCPC_HOST_MAX + 48];
    ascii *host, *port, *size;
    u32 p, n;

    switch (Cmd->Type) {
    case ADL_CMD_TYPE_TEST:
        wm_sprintf(buf, "\r\n+TCPC: \"host\",(1-65535),(1-%u)\r\n", (unsigned)TCPC_SIZE_MAX);
        tcpc_Reply(Cmd->Port, buf);
        break;
    case ADL_CMD_TYPE_READ:
        wm_sprintf(buf, "\r\n+TCPC: \"%s\",%u,%u,%u\r\n", tcpc_Host, (unsigned)tcpc_Port,
                   (unsigned)tcpc_Size, (unsigned)tcpc_State);
        tcpc_Reply(Cmd->Port, buf);
        break;
    case ADL_CMD_TYPE_PARA:
        host = ADL_GET_PARAM(Cmd, 0);
        port = ADL_GET_PARAM(Cmd, 1);
        size = Cmd->NbPara > 2 ? ADL_GET_PARAM(Cmd, 2) : NULL;
        if (host == NULL || port == NULL || wm_strlen(host) == 0 ||
            wm_strlen(host) >= TCPC_HOST_MAX || !wm_isnumstring(port) ||
            (size != NULL && !wm_isnumstring(size))) {
            TRACE((1, "tcp_client: AT+TCPC: bad parameters"));
            tcpc_Error(Cmd->Port);
            return;
        }
        p = (u32)wm_atoi(port);
        n = size != NULL ? (u32)wm_atoi(size) : tcpc_Size;
        if (p < 1 || p > 65535 || n < 1 || n > TCPC_SIZE_MAX) {
            TRACE((1, "tcp_client: AT+TCPC: port %d or size %d out of range", p, n));
            tcpc_Error(Cmd->Port);
            return;
        }
        if (tcpc_State == TCPC_TRANSFER) {
            TRACE((1, "tcp_client: AT+TCPC: a transfer is running"));
            tcpc_Error(Cmd->Port);
            return;
        }
        wm_strcpy(tcpc_Host, host);
        tcpc_Port = (u16)p;
        tcpc_Size = n;
        if (tcpc_State == TCPC_IDLE)
            tcpc_BearerStart();
        break;
    default:
        tcpc_Error(Cmd->Port);
        return;
    }
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_OK);
}

void tcpc_CmdSubscribe(void)
{
    adl_atCmdSubscribe("AT+TCPC", tcpc_CmdHandler,
                       ADL_CMD_TYPE_PARA | ADL_CMD_TYPE_TEST | ADL_CMD_TYPE_READ | 0x32);
}
