/* fuzz_at_parse.c: libFuzzer harness of the AT line parser (emu/adl/at_parse.c), the ';'
 * splitter (at_concat.c) and the trace quoting of lines (oat_at_show). Checks the shape of
 * what they return; any crash, leak or overrun is a finding. */
#include "adl_CmdHandler.h"

#include "fuzz_input.h"

#include "adl/at_internal.h"

#include <strings.h>

static void check_parse(const char *line)
{
    oat_at_cmd cmd;
    int rc = oat_at_parse(line, &cmd);
    FUZZ_CHECK(oat_at_parse_error(rc) != NULL);
    if (rc != OAT_AT_PARSE_OK) {
        FUZZ_CHECK(cmd.raw == NULL && cmd.name == NULL && cmd.para == NULL);
        return;
    }
    FUZZ_CHECK(cmd.name != NULL && strlen(cmd.name) >= 2 && strlen(cmd.name) <= strlen(cmd.raw));
    FUZZ_CHECK(cmd.type == ADL_CMD_TYPE_PARA || cmd.type == ADL_CMD_TYPE_TEST ||
               cmd.type == ADL_CMD_TYPE_READ || cmd.type == ADL_CMD_TYPE_ACT);
    FUZZ_CHECK(cmd.type == ADL_CMD_TYPE_PARA ? cmd.npara >= 1 : cmd.npara == 0);
    FUZZ_CHECK(cmd.nb_para >= 0 && cmd.nb_para <= cmd.npara);
    for (int i = 0; i < cmd.npara; i++)
        FUZZ_CHECK(cmd.para[i] == NULL || strchr(cmd.para[i], '"') == NULL);
    oat_at_cmd_free(&cmd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = fuzz_text(data, size);
    check_parse(line);

    char *first, *rest;
    int split = oat_at_concat_split(line, &first, &rest);
    FUZZ_CHECK(split == 0 || split == 1);
    if (split == 1) {
        FUZZ_CHECK(strlen(first) < strlen(line) && strncasecmp(rest, "AT", 2) == 0);
        check_parse(first);
        check_parse(rest);
        free(first);
        free(rest);
    }

    char shown[64];
    size_t cap = size > 0 ? 1 + data[0] % sizeof shown : sizeof shown;
    const char *s = oat_at_show(line, shown, cap);
    FUZZ_CHECK(strlen(s) < cap);
    free(line);
    return 0;
}
