/* modem_gprs.c: the modem's GPRS commands (AT+CGDCONT, AT+CGACT, AT+CGATT) over the context
 * model of gprs.c, which the ADL GPRS service and WIP's GPRS bearer share. AT lock held. */
#include "adl_CmdHandler.h"
#include "adl_error.h"

#include "adl/gprs_internal.h"
#include "adl/modem_internal.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CME_OPERATION_NOT_ALLOWED 3
#define CME_OPERATION_NOT_SUPPORTED 4
#define CME_INVALID_INDEX 21

static void cmd_cgdcont(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        for (int cid = 1; cid <= OAT_GPRS_CID_MAX; cid++) {
            int state;
            char apn[128];
            if (!oat_gprs_context(cid, apn, sizeof apn, &state))
                continue;
            uint32_t ip = state == 1 ? oat_gprs_local_ip(cid) : 0;
            oat_modem_info(port, "+CGDCONT: %d,\"IP\",\"%s\",\"%u.%u.%u.%u\",0,0", cid, apn,
                           ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF, ip & 0xFF);
        }
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CGDCONT: (1-%d),\"IP\",,,(0-1),(0-1)", OAT_GPRS_CID_MAX);
    } else if (c->type == ADL_CMD_TYPE_PARA) {
        int cid = oat_modem_int_param(c, 0, 1, OAT_GPRS_CID_MAX);
        if (cid < 0) {
            oat_modem_cme(port, CME_INVALID_INDEX);
            return;
        }
        if (c->nb_para >= 2 && c->para[1] && strcasecmp(c->para[1], "IP") != 0) {
            oat_warn("modem: %s: only the PDP type \"IP\" is emulated", c->raw);
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        const char *apn = c->nb_para >= 3 && c->para[2] ? c->para[2] : "";
        if (oat_gprs_define(cid, apn) != 0) {
            oat_warn("modem: %s: context %d is active", c->raw, cid);
            oat_modem_cme(port, CME_OPERATION_NOT_ALLOWED);
            return;
        }
    } else {
        oat_modem_unsupported(port, c, NULL);
        return;
    }
    oat_modem_ok(port);
}

static void cmd_cgact(int port, const oat_at_cmd *c)
{
    if (c->type == ADL_CMD_TYPE_READ) {
        for (int cid = 1; cid <= OAT_GPRS_CID_MAX; cid++) {
            int state;
            char apn[128];
            if (oat_gprs_context(cid, apn, sizeof apn, &state))
                oat_modem_info(port, "+CGACT: %d,%d", cid, state == 1);
        }
        oat_modem_ok(port);
        return;
    }
    if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CGACT: (0-1)");
        oat_modem_ok(port);
        return;
    }
    int on = c->type == ADL_CMD_TYPE_PARA ? oat_modem_int_param(c, 0, 0, 1) : -1;
    int cid = c->nb_para >= 2 ? oat_modem_int_param(c, 1, 1, OAT_GPRS_CID_MAX) : 1;
    if (on < 0 || cid < 0) {
        oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
        return;
    }
    if (on) {
        /* The answer comes when the activation ends (gprs.c). */
        if (oat_gprs_activate_ext(cid, port) != OK)
            oat_modem_cme(port, CME_OPERATION_NOT_ALLOWED);
        return;
    }
    int state;
    char apn[128];
    if (oat_gprs_context(cid, apn, sizeof apn, &state) && state == 0) {
        oat_modem_ok(port);                /* already inactive */
        return;
    }
    if (oat_gprs_deactivate_ext(cid) != OK)
        oat_modem_cme(port, CME_OPERATION_NOT_ALLOWED);
    else
        oat_modem_ok(port);
}

static void cmd_cgatt(int port, const oat_at_cmd *c)
{
    int reg = oat_modem_reg_stat();
    if (c->type == ADL_CMD_TYPE_READ) {
        oat_modem_info(port, "+CGATT: %d", oat_gprs_attached() && (reg == 1 || reg == 5));
    } else if (c->type == ADL_CMD_TYPE_TEST) {
        oat_modem_info(port, "+CGATT: (0-1)");
    } else {
        int on = c->type == ADL_CMD_TYPE_PARA ? oat_modem_int_param(c, 0, 0, 1) : -1;
        if (on < 0) {
            oat_modem_cme(port, CME_OPERATION_NOT_SUPPORTED);
            return;
        }
        oat_gprs_set_attached(on == 1);
    }
    oat_modem_ok(port);
}

const oat_modem_cmd oat_modem_gprs_cmds[] = {
    { "AT+CGDCONT", cmd_cgdcont }, { "AT+CGACT", cmd_cgact }, { "AT+CGATT", cmd_cgatt },
};
const int oat_modem_gprs_count = sizeof oat_modem_gprs_cmds / sizeof oat_modem_gprs_cmds[0];
