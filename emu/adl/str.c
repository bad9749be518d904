/* str.c: the table of standard AT response strings and the lookups between identifiers and
 * text. It only formats and compares text; it never writes to a port. */
#include "adl_str.h"
#include "adl_memory.h"

#include "adl/at_internal.h"
#include "core/calls.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Text of each identifier, without the surrounding CR/LF. */
static const char *const str_text[ADL_STR_LAST] = {
    [ADL_STR_NO_STRING] = "",
    [ADL_STR_OK] = "OK",
    [ADL_STR_BUSY] = "BUSY",
    [ADL_STR_NO_ANSWER] = "NO ANSWER",
    [ADL_STR_NO_CARRIER] = "NO CARRIER",
    [ADL_STR_CONNECT] = "CONNECT",
    [ADL_STR_ERROR] = "ERROR",
    [ADL_STR_CME_ERROR] = "+CME ERROR: ",
    [ADL_STR_CMS_ERROR] = "+CMS ERROR: ",
    [ADL_STR_CPIN] = "+CPIN: ",
    [ADL_STR_CPIN2] = "+CPIN2: ",
    [ADL_STR_RING] = "RING",
    [ADL_STR_WIND] = "+WIND: ",
    [ADL_STR_CRING] = "+CRING: ",
    [ADL_STR_CPINC] = "+CPINC: ",
    [ADL_STR_WSTR] = "+WSTR: ",
    [ADL_STR_CMEE] = "+CMEE: ",
    [ADL_STR_CREG] = "+CREG: ",
    [ADL_STR_CGREG] = "+CGREG: ",
    [ADL_STR_CRC] = "+CRC: ",
    [ADL_STR_CGEV] = "+CGEV: ",
    [ADL_STR_CGEREP] = "+CGEREP: ",
};

char *oat_str_response(int id, const char *arg)
{
    if (id < 0 || id >= ADL_STR_LAST)
        return NULL;
    char *out = NULL;
    if (asprintf(&out, "\r\n%s%s\r\n", str_text[id], arg ? arg : "") < 0)
        return NULL;
    return out;
}

ascii *adl_strGetResponse(adl_strID_e RspID)
{
    if ((int)RspID < 0 || RspID >= ADL_STR_LAST) {
        oat_warn("adl_strGetResponse(%d): RspID is not an adl_strID_e value (0..%d)", (int)RspID,
                 ADL_STR_LAST - 1);
        OAT_CALL_PTR("adl_strGetResponse", NULL, "%d", (int)RspID);
        return NULL;
    }
    size_t len = strlen(str_text[RspID]) + 5;
    ascii *out = adl_memGet(len);
    if (out)
        snprintf(out, len, "\r\n%s\r\n", str_text[RspID]);
    OAT_CALL_PTR("adl_strGetResponse", out, "%d", (int)RspID);
    return out;
}

/* Does text start with the standard string? Strings that end in a word must be followed
 * by the end of the line or a space ("CONNECT 9600"), so "OK" does not match "OKAY". */
static bool str_matches(const char *text, const char *std)
{
    size_t n = strlen(std);
    if (n == 0 || strncasecmp(text, std, n) != 0)
        return false;
    if (std[n - 1] == ' ')
        return true;
    char next = text[n];
    return next == '\0' || next == '\r' || next == '\n' || next == ' ';
}

static adl_strID_e str_find(const char *rsp)
{
    while (*rsp == '\r' || *rsp == '\n')
        rsp++;
    for (int id = ADL_STR_NO_STRING + 1; id < ADL_STR_LAST; id++)
        if (str_matches(rsp, str_text[id]))
            return (adl_strID_e)id;
    return ADL_STR_NO_STRING;
}

int oat_str_id_of(const char *rsp)
{
    return (int)str_find(rsp);
}

adl_strID_e adl_strGetID(ascii *rsp)
{
    if (!rsp) {
        oat_warn("adl_strGetID(NULL): rsp is NULL");
        OAT_CALL_RET("adl_strGetID", ADL_STR_NO_STRING, "ADL_STR_NO_STRING", "NULL");
        return ADL_STR_NO_STRING;
    }
    adl_strID_e id = str_find(rsp);
    OAT_CALL_RET("adl_strGetID", id, NULL, "\"%.40s\"", rsp);
    return id;
}

bool adl_strIsTerminalResponse(adl_strID_e RspID)
{
    bool terminal = RspID > ADL_STR_NO_STRING && RspID < ADL_STR_LAST_TERMINAL;
    OAT_CALL_RET("adl_strIsTerminalResponse", terminal, terminal ? "TRUE" : "FALSE", "%d",
                 (int)RspID);
    return terminal;
}
