/* adl_CmdHandler.h: subscribing application handlers to AT commands and the parameter block
 * they receive. No host headers. */
#ifndef ADL_CMDHANDLER_H
#define ADL_CMDHANDLER_H

#include "wm_types.h"
#include "wm_list.h"
#include "adl_at.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Forms of a command a subscription accepts (OR them). With PARA, the low byte 0xXY bounds
 * the parameter count: X = maximum, Y = minimum. */
#define ADL_CMD_TYPE_PARA     0x0100   /* AT+X=... */
#define ADL_CMD_TYPE_TEST     0x0200   /* AT+X=? */
#define ADL_CMD_TYPE_READ     0x0400   /* AT+X? */
#define ADL_CMD_TYPE_ACT      0x0800   /* AT+X */
#define ADL_CMD_TYPE_ROOT     0x1000   /* every command starting with the string, raw */
#define ADL_CMD_TYPE_ROOT_EXT 0x2000   /* behaves like ADL_CMD_TYPE_ROOT */

/* What a command handler receives; valid only while the handler runs. */
typedef struct {
    u16 Type;             /* the ADL_CMD_TYPE_* form that matched */
    u8 NbPara;            /* parameters of a PARA command, 0 otherwise */
    adl_atPort_e Port;    /* the port the command came from */
    wm_lst_t ParaList;    /* the parameters (ascii*), quotes removed, NULL when left out */
    u16 StrLength;        /* length of StrData */
    u16 NI;               /* notification identifier, for adl_atCmdSendExt */
    void *Contxt;         /* the context given to adl_atCmdSubscribeExt */
    ascii StrData[1];     /* the command as typed, spaces and ';' removed */
} adl_atCmdPreParser_t;

/* Must answer with exactly one ADL_AT_RSP response, or the port stays blocked. */
typedef void (*adl_atCmdHandler_t)(adl_atCmdPreParser_t *Params);

/* Parameter i (0-based) of a command, NULL if left out or absent. */
#define ADL_GET_PARAM(_P_, _i_) ((ascii *)wm_lstGetItem((_P_)->ParaList, (u16)(_i_)))

s16 adl_atCmdSubscribe(const ascii *Cmdstr, adl_atCmdHandler_t Cmdhdl, u16 Cmdopt);
s16 adl_atCmdSubscribeExt(const ascii *Cmdstr, adl_atCmdHandler_t Cmdhdl, u16 Cmdopt, void *Contxt,
                          adl_atCmdSubscriptionPort_e Port);
s16 adl_atCmdUnSubscribe(const ascii *Cmdstr, adl_atCmdHandler_t Cmdhdl);

#ifdef __cplusplus
}
#endif

#endif
