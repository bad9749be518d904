/* fuzz_flags.c: libFuzzer harness of the command-line option parsers: every flag through
 * the option registry (oat_config_set "name=value", every layer's options registered) and the
 * narrow parsers the options use one by one: durations, --host-map entries (length-bounded,
 * not NUL-terminated) and --bearer specs. */
#include "fuzz_input.h"

#include "core/config.h"
#include "host/options.h"
#include "wip/wip_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    char err[128];

    int64_t us;
    if (oat_parse_duration_us(text, &us) == 0)
        FUZZ_CHECK(us >= 0);

    uint64_t v;
    if (oat_parse_uint((const char *)data, size, UINT32_MAX, &v) == 0)
        FUZZ_CHECK(v <= UINT32_MAX);

    /* An entry of a NUL-free flag: its bytes up to the first NUL, not NUL-terminated. */
    size_t entry_len = strnlen((const char *)data, size);
    oat_host_map_item item;
    if (oat_host_map_entry((const char *)data, entry_len, &item) == 0)
        FUZZ_CHECK(item.name[0] && item.addr[0] && item.to_port != 0 &&
                   strlen(item.name) < entry_len && strlen(item.addr) < entry_len);

    oat_bearer_cfg bearer;
    if (oat_bearer_config_parse(text, &bearer, err, sizeof err) != 0)
        FUZZ_CHECK(strlen(err) < sizeof err);

    char *eq = strchr(text, '=');
    if (eq) {
        *eq = '\0';
        FUZZ_CHECK(oat_options_register_all() == 0);
        oat_config_defaults("fuzz_flags");
        if (oat_config_set(text, eq + 1, err, sizeof err) != 0)
            FUZZ_CHECK(strlen(err) < sizeof err);
    }
    free(text);
    return 0;
}
