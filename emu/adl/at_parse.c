/* at_parse.c: splits one AT command line into name, form (PARA/TEST/READ/ACT) and
 * parameters the way ADL hands them to handlers. Pure text work: no state, no I/O, no locks. */
#include "adl_CmdHandler.h"

#include "adl/at_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *oat_at_parse_error(int code)
{
    switch (code) {
    case OAT_AT_PARSE_NOT_AT: return "the line does not start with AT";
    case OAT_AT_PARSE_CONCAT: return "commands concatenated with ';' are not supported by oatemu";
    case OAT_AT_PARSE_BAD: return "malformed command (unterminated quote or bad syntax)";
    case OAT_AT_PARSE_NOMEM: return "out of host memory";
    default: return "no error";
    }
}

/* ADL drops spaces outside quotes and the ';' that ends a command. Returns NULL on a quote
 * left open; *concat tells whether a ';' separates two commands. */
static char *squeeze(const char *line, bool *concat)
{
    size_t n = strlen(line);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool quoted = false;
    *concat = false;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == '"')
            quoted = !quoted;
        if (!quoted && (c == ' ' || c == '\t'))
            continue;
        out[o++] = c;
    }
    out[o] = '\0';
    if (quoted) {
        free(out);
        return NULL;
    }
    while (o > 0 && out[o - 1] == ';')
        out[--o] = '\0';
    quoted = false;
    for (size_t i = 0; i < o; i++) {
        if (out[i] == '"')
            quoted = !quoted;
        else if (out[i] == ';' && !quoted)
            *concat = true;
    }
    return out;
}

/* One parameter: quotes removed; an empty field is NULL (left out), "" is an empty string. */
static int take_param(const char *start, size_t len, char **out)
{
    *out = NULL;
    if (len == 0)
        return 0;
    char *p = malloc(len + 1);
    if (!p)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++)
        if (start[i] != '"')
            p[o++] = start[i];
    p[o] = '\0';
    *out = p;
    return 0;
}

static int split_params(const char *text, oat_at_cmd *cmd)
{
    size_t n = strlen(text);
    int count = 1;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '"')
            quoted = !quoted;
        else if (text[i] == ',' && !quoted)
            count++;
    }
    cmd->para = calloc((size_t)count, sizeof *cmd->para);
    if (!cmd->para)
        return -1;
    cmd->npara = count;
    size_t start = 0;
    int k = 0;
    quoted = false;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && text[i] == '"')
            quoted = !quoted;
        if (i == n || (text[i] == ',' && !quoted)) {
            if (take_param(text + start, i - start, &cmd->para[k]) != 0)
                return -1;
            k++;
            start = i + 1;
        }
    }
    cmd->nb_para = 0;
    for (int i = 0; i < count; i++)
        if (cmd->para[i])
            cmd->nb_para = i + 1;
    return 0;
}

/* What follows the name: nothing (ACT), "?" (READ), "=?" (TEST), "=..." (PARA). Basic
 * commands also take their value without '=' ("ATE0"). */
static int parse_tail(const char *tail, bool basic, oat_at_cmd *cmd)
{
    if (tail[0] == '\0') {
        cmd->type = ADL_CMD_TYPE_ACT;
        return 0;
    }
    if (strcmp(tail, "?") == 0) {
        cmd->type = ADL_CMD_TYPE_READ;
        return 0;
    }
    if (strcmp(tail, "=?") == 0) {
        cmd->type = ADL_CMD_TYPE_TEST;
        return 0;
    }
    if (tail[0] == '=') {
        cmd->type = ADL_CMD_TYPE_PARA;
        return split_params(tail + 1, cmd) == 0 ? 0 : OAT_AT_PARSE_NOMEM;
    }
    if (!basic)
        return OAT_AT_PARSE_BAD;
    cmd->type = ADL_CMD_TYPE_PARA;
    return split_params(tail, cmd) == 0 ? 0 : OAT_AT_PARSE_NOMEM;
}

/* Length of the command name inside raw (which starts with "AT"), 0 if malformed. */
static size_t name_length(const char *raw, bool *basic)
{
    const char *rest = raw + 2;
    *basic = false;
    if (rest[0] == '\0')
        return 2;
    if (strchr("+*#%$^!", rest[0])) {
        size_t n = strcspn(rest, "=?");
        return n > 1 ? 2 + n : 0;
    }
    *basic = true;
    if (rest[0] == '&')
        return isalpha((unsigned char)rest[1]) ? 4 : 0;
    if (toupper((unsigned char)rest[0]) == 'S' && isdigit((unsigned char)rest[1])) {
        size_t n = 1;
        while (isdigit((unsigned char)rest[n]))
            n++;
        return 2 + n;
    }
    return isalpha((unsigned char)rest[0]) ? 3 : 0;
}

int oat_at_parse(const char *line, oat_at_cmd *out)
{
    memset(out, 0, sizeof *out);
    bool concat;
    char *raw = squeeze(line, &concat);
    if (!raw)
        return OAT_AT_PARSE_BAD;
    out->raw = raw;
    if (strlen(raw) < 2 || toupper((unsigned char)raw[0]) != 'A' ||
        toupper((unsigned char)raw[1]) != 'T') {
        oat_at_cmd_free(out);
        return OAT_AT_PARSE_NOT_AT;
    }
    if (concat) {
        oat_at_cmd_free(out);
        return OAT_AT_PARSE_CONCAT;
    }
    bool basic;
    size_t len = name_length(raw, &basic);
    if (len == 0) {
        oat_at_cmd_free(out);
        return OAT_AT_PARSE_BAD;
    }
    out->name = strndup(raw, len);
    if (!out->name) {
        oat_at_cmd_free(out);
        return OAT_AT_PARSE_NOMEM;
    }
    int rc = parse_tail(raw + len, basic, out);
    if (rc != 0)
        oat_at_cmd_free(out);
    return rc;
}

void oat_at_cmd_free(oat_at_cmd *cmd)
{
    for (int i = 0; i < cmd->npara; i++)
        free(cmd->para[i]);
    free(cmd->para);
    free(cmd->name);
    free(cmd->raw);
    memset(cmd, 0, sizeof *cmd);
}

/* One character as oat_at_show writes it; returns its width. */
static size_t show_char(unsigned char c, char esc[4])
{
    static const char hex[] = "0123456789abcdef";
    if (c >= 0x20) {
        esc[0] = (char)c;
        return 1;
    }
    esc[0] = '\\';
    if (c == '\r' || c == '\n') {
        esc[1] = c == '\r' ? 'r' : 'n';
        return 2;
    }
    esc[1] = 'x';
    esc[2] = hex[c >> 4];
    esc[3] = hex[c & 15];
    return 4;
}

const char *oat_at_show(const char *text, char *buf, size_t size)
{
    if (!text)
        return "NULL";
    if (size < 8)
        return "";
    char esc[4];
    size_t whole = 2;   /* the quotes */
    for (const char *p = text; *p; p++)
        whole += show_char((unsigned char)*p, esc);
    /* Cut: keep room for "..", the closing quote and the NUL, and never split an escape. */
    size_t room = whole < size ? size - 2 : size - 4;
    size_t o = 0;
    buf[o++] = '"';
    for (const char *p = text; *p; p++) {
        size_t w = show_char((unsigned char)*p, esc);
        if (o + w > room) {
            buf[o++] = '.';
            buf[o++] = '.';
            break;
        }
        memcpy(buf + o, esc, w);
        o += w;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}
