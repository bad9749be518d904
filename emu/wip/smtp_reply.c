/* smtp_reply.c: reads SMTP replies off the wire: multi-line "250-..." continued up to the
 * line with "250 ...", the code and the text kept for WIP_COPT_SMTP_STATUS_CODE; and what
 * the lines of an EHLO reply offer. Anything else is not SMTP: code -1, never a guess.
 * The FTP client reads its replies with it too (RFC 959 4.2: 1xx codes, free text lines
 * between "230-" and "230 "). */
#include "wip/smtp_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void oat_smtp_reader_reset(oat_smtp_reader *r)
{
    memset(r, 0, sizeof *r);
}

static void add_text(oat_smtp_reader *r, const char *t)
{
    size_t n = strlen(t);
    if (r->text_len > 0 && r->text_len + 1 < sizeof r->text)
        r->text[r->text_len++] = '\n';
    if (n > sizeof r->text - 1 - r->text_len)
        n = sizeof r->text - 1 - r->text_len;
    memcpy(r->text + r->text_len, t, n);
    r->text_len += n;
    r->text[r->text_len] = '\0';
}

/* One complete line (no CRLF) into the reply; true when it was the last one. */
static bool take_line(oat_smtp_reader *r)
{
    const char *l = r->line;
    /* RFC 5321 section 4.2: a reply code is 2-5, then 0-5, then 0-9. Any three digits let
     * "000-a" and then "250 b" through as one 250 reply (code 0 reads as no code yet). */
    bool ok = r->len >= 3 && l[0] >= (r->ftp ? '1' : '2') && l[0] <= '5' && l[1] >= '0' && l[1] <= '5' &&
              isdigit((unsigned char)l[2]) && (r->len == 3 || l[3] == ' ' || l[3] == '-');
    int code = ok ? (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0') : -1;
    if (r->ftp && r->code > 0 && (code != r->code || r->len == 3 || l[3] != ' ')) {
        add_text(r, l);             /* FTP: any line up to "ddd " with the first code */
        return false;
    }
    if (!ok) {
        r->code = -1;
        return true;
    }
    if (r->code > 0 && r->code != code) {
        r->code = -1;               /* the lines of one reply must share their code */
        return true;
    }
    r->code = code;
    add_text(r, r->len > 4 ? l + 4 : "");
    return r->len == 3 || l[3] == ' ';
}

size_t oat_smtp_read(oat_smtp_reader *r, const char *bytes, size_t len, bool *complete)
{
    *complete = false;
    for (size_t i = 0; i < len; i++) {
        char c = bytes[i];
        if (c == '\n') {
            if (r->len > 0 && r->line[r->len - 1] == '\r')
                r->len--;
            r->line[r->len] = '\0';
            bool last = take_line(r);
            r->len = 0;
            if (last) {
                *complete = true;
                return i + 1;
            }
        } else if (r->len < sizeof r->line - 1) {
            r->line[r->len++] = c;
        } else {                        /* a line over OAT_SMTP_LINE_MAX: not SMTP */
            r->len = 0;
            r->code = -1;
            *complete = true;
            return i + 1;
        }
    }
    return len;
}

static bool keyword(const char *line, size_t len, const char *word)
{
    size_t w = strlen(word);
    return len >= w && strncasecmp(line, word, w) == 0 &&
           (len == w || line[w] == ' ' || line[w] == '=');
}

void oat_smtp_capabilities(const char *text, oat_smtp_caps *caps)
{
    memset(caps, 0, sizeof *caps);
    for (const char *l = text; l && *l;) {
        size_t len = strcspn(l, "\n");
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), l);
        size_t n = strlen(line);
        const char *arg = n > 5 ? line + 5 : "";   /* after "AUTH " or "SIZE=" */
        if (keyword(line, n, "AUTH"))
            caps->auth |= oat_smtp_auth_offered(arg);
        caps->starttls |= keyword(line, n, "STARTTLS");
        caps->pipelining |= keyword(line, n, "PIPELINING");
        caps->eightbit |= keyword(line, n, "8BITMIME");
        caps->utf8 |= keyword(line, n, "SMTPUTF8");
        caps->chunking |= keyword(line, n, "CHUNKING");
        caps->dsn |= keyword(line, n, "DSN");
        if (keyword(line, n, "SIZE")) {
            unsigned long limit = strtoul(arg, NULL, 10);
            caps->size = limit ? (uint32_t)limit : UINT32_MAX;
        }
        l = l[len] ? l + len + 1 : NULL;
    }
}
