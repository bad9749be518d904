/* modem_user.c: commands a user adds to the modem model without code (--modem=<file>).
 * An entry is a command pattern line, its answer lines, and its final result line, ended by
 * a blank line; '#' starts a comment line. A pattern ending in '*' matches every command
 * that starts with the rest. A file it cannot use is reported, never fatal. */
#include "adl_at.h"

#include "adl/modem_internal.h"
#include "adl/adl_options.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USER_LINE_MAX 256

typedef struct user_entry {
    struct user_entry *next;
    char *pattern;
    char **lines;                  /* the answer lines, then the final result */
    int nlines;
} user_entry;

static user_entry *user_entries;   /* file order: the first match wins */

static void entry_free(user_entry *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->nlines; i++)
        free(e->lines[i]);
    free(e->lines);
    free(e->pattern);
    free(e);
}

static bool entry_add_line(user_entry *e, const char *text)
{
    char **grown = realloc(e->lines, (size_t)(e->nlines + 1) * sizeof *grown);
    if (!grown)
        return false;
    e->lines = grown;
    e->lines[e->nlines] = strdup(text);
    if (!e->lines[e->nlines])
        return false;
    e->nlines++;
    return true;
}

/* Close the entry being read: kept if it has a final line, else reported. */
static void entry_end(user_entry **cur, user_entry ***tail, const char *file, int line)
{
    user_entry *e = *cur;
    *cur = NULL;
    if (!e)
        return;
    if (e->nlines == 0) {
        oat_warn("modem: %s line %d: %s has no final result line (OK, ERROR, ...): ignored",
                 file, line, e->pattern);
        entry_free(e);
        return;
    }
    **tail = e;
    *tail = &e->next;
}

void oat_modem_user_start(void)
{
    const char *file = oat_adl_cfg()->modem_file;
    if (!file[0])
        return;
    FILE *f = fopen(file, "r");
    if (!f) {
        oat_warn("modem: cannot read --modem=%s: no user commands", file);
        return;
    }
    user_entry **tail = &user_entries, *cur = NULL;
    char buf[USER_LINE_MAX + 2];
    int n = 0, count = 0;
    while (fgets(buf, sizeof buf, f)) {
        n++;
        size_t len = strcspn(buf, "\r\n");
        if (buf[len] == '\0' && !feof(f)) {
            oat_warn("modem: %s line %d is longer than %d characters: entry ignored", file, n,
                     USER_LINE_MAX);
            entry_free(cur);
            cur = NULL;
            while (fgets(buf, sizeof buf, f) && !strchr(buf, '\n'))
                ;
            continue;
        }
        buf[len] = '\0';
        if (buf[0] == '#')
            continue;
        if (len == 0) {
            entry_end(&cur, &tail, file, n);
            continue;
        }
        if (!cur) {
            if (strncasecmp(buf, "AT", 2) != 0) {
                oat_warn("modem: %s line %d: \"%s\" is not a command pattern (AT...): ignored",
                         file, n, buf);
                continue;
            }
            cur = calloc(1, sizeof *cur);
            if (!cur || !(cur->pattern = strdup(buf))) {
                entry_free(cur);
                cur = NULL;
                oat_warn("modem: out of host memory reading %s", file);
                break;
            }
            count++;
        } else if (!entry_add_line(cur, buf)) {
            oat_warn("modem: out of host memory reading %s", file);
            break;
        }
    }
    entry_end(&cur, &tail, file, n + 1);
    fclose(f);
    oat_info("modem: %d user command(s) from %s", count, file);
}

void oat_modem_user_stop(void)
{
    while (user_entries) {
        user_entry *next = user_entries->next;
        entry_free(user_entries);
        user_entries = next;
    }
}

static bool matches(const char *pattern, const char *raw)
{
    size_t len = strlen(pattern);
    if (len > 0 && pattern[len - 1] == '*')
        return strncasecmp(pattern, raw, len - 1) == 0;
    return strcasecmp(pattern, raw) == 0;
}

bool oat_modem_user_exec(int port, const oat_at_cmd *cmd)
{
    for (user_entry *e = user_entries; e; e = e->next) {
        if (!matches(e->pattern, cmd->raw))
            continue;
        for (int i = 0; i < e->nlines; i++) {
            char text[USER_LINE_MAX + 8];
            snprintf(text, sizeof text, "\r\n%s\r\n", e->lines[i]);
            oat_at_emit_locked(port, i + 1 < e->nlines ? ADL_AT_INT : ADL_AT_RSP, text);
        }
        return true;
    }
    return false;
}
