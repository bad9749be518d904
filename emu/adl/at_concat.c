/* at_concat.c: splits a command line concatenated with ';' ("AT+CMEE=1;+CREG?") into its
 * first command and the rest, each a line of its own starting with "AT". Text only: the AT
 * engine runs the parts one after the other. */
#include "adl/at_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int oat_at_concat_split(const char *line, char **first, char **rest)
{
    *first = *rest = NULL;
    bool quoted = false;
    const char *semi = NULL;
    for (const char *c = line; *c && !semi; c++) {
        if (*c == '"')
            quoted = !quoted;
        else if (*c == ';' && !quoted)
            semi = c;
    }
    if (!semi)
        return 0;
    const char *next = semi + 1;
    while (*next == ';' || *next == ' ' || *next == '\t')
        next++;
    if (*next == '\0')
        return 0;                  /* only a trailing ';': the parser drops it */
    bool has_at = strncasecmp(next, "AT", 2) == 0;
    *first = strndup(line, (size_t)(semi - line));
    *rest = malloc(strlen(next) + 3);
    if (!*first || !*rest) {
        free(*first);
        free(*rest);
        *first = *rest = NULL;
        return -1;
    }
    strcpy(*rest, has_at ? "" : "AT");
    strcat(*rest, next);
    return 1;
}
