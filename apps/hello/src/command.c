/* command.c: the AT+HELLO command of the hello sample. AT+HELLO=<n> greets n times and
 * remembers n in flash, AT+HELLO? shows the counters, AT+HELLO=? the range. */
#include "adl_global.h"
#include "hello.h"

static void hello_Reply(u8 Port, const ascii *Text)
{
    adl_atSendResponse(ADL_AT_PORT_TYPE(Port, ADL_AT_INT), Text);
}

/* The count of AT+HELLO=<n>, digits only; FALSE when it is outside 1..HELLO_MAX_N. Read digit
 * by digit: wm_atoi is atoi, whose value for a number beyond the int range is undefined. */
static bool hello_ParseCount(const ascii *Text, u32 *Count)
{
    u32 n = 0;

    for (; *Text; Text++) {
        n = n * 10 + (u32)(*Text - '0');
        if (n > HELLO_MAX_N)
            return FALSE;
    }
    *Count = n;
    return n >= 1;
}

static void hello_CmdHandler(adl_atCmdPreParser_t *Cmd)
{
    ascii buf[64];
    u32 n, i;

    switch (Cmd->Type) {
    case ADL_CMD_TYPE_TEST:
        wm_sprintf(buf, "\r\n+HELLO: (1-%d)\r\n", HELLO_MAX_N);
        hello_Reply(Cmd->Port, buf);
        break;
    case ADL_CMD_TYPE_READ:
        wm_sprintf(buf, "\r\n+HELLO: %u,%u,%u\r\n", (unsigned)hello_Boots, (unsigned)hello_Ticks,
                   (unsigned)hello_LastN);
        hello_Reply(Cmd->Port, buf);
        break;
    case ADL_CMD_TYPE_ACT:
        hello_Reply(Cmd->Port, "\r\n+HELLO: Hello, Open AT\r\n");
        break;
    case ADL_CMD_TYPE_PARA:
        if (!wm_isnumstring(ADL_GET_PARAM(Cmd, 0))) {
            adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_ERROR);
            return;
        }
        if (!hello_ParseCount(ADL_GET_PARAM(Cmd, 0), &n)) {
            TRACE((1, "hello: AT+HELLO=<n> out of range (1-%d)", HELLO_MAX_N));
            adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_ERROR);
            return;
        }
        for (i = 1; i <= n; i++) {
            wm_sprintf(buf, "\r\n+HELLO: %u/%u\r\n", (unsigned)i, (unsigned)n);
            hello_Reply(Cmd->Port, buf);
        }
        hello_LastN = n;
        adl_flhWrite(HELLO_FLASH_HANDLE, HELLO_FLASH_LAST_N, sizeof(u32), (u8 *)&hello_LastN);
        TRACE((1, "hello: greeted %d times", n));
        break;
    default:
        break;
    }
    adl_atSendStdResponse(ADL_AT_PORT_TYPE(Cmd->Port, ADL_AT_RSP), ADL_STR_OK);
}

void hello_CmdSubscribe(void)
{
    adl_atCmdSubscribe("AT+HELLO", hello_CmdHandler,
                       ADL_CMD_TYPE_PARA | ADL_CMD_TYPE_TEST | ADL_CMD_TYPE_READ | ADL_CMD_TYPE_ACT | 0x11);
}
