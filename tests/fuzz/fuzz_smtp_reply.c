/* fuzz_smtp_reply.c: libFuzzer harness of the SMTP reply reader and the EHLO capability scan
 * (emu/wip/smtp_reply.c). The bytes arrive in pieces whose sizes the input picks, as TCP
 * would cut them; every reply read must have a code of 100..999 or -1 and a bounded text. */
#include "fuzz_input.h"

#include "wip/smtp_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = 1 + data[0] % 64;   /* the first byte: the size of each read */
    const char *bytes = (const char *)data + 1;
    size_t left = size - 1;
    static oat_smtp_reader r;
    oat_smtp_reader_reset(&r);
    while (left > 0) {
        size_t n = left < piece ? left : piece;
        bool complete;
        size_t used = oat_smtp_read(&r, bytes, n, &complete);
        FUZZ_CHECK(used >= 1 && used <= n);
        FUZZ_CHECK(complete || used == n);
        if (complete) {
            FUZZ_CHECK(r.code == -1 || (r.code >= 100 && r.code <= 999));
            FUZZ_CHECK(r.text_len < sizeof r.text && strlen(r.text) <= r.text_len);
            oat_smtp_caps caps;
            oat_smtp_capabilities(r.text, &caps);
            oat_smtp_reader_reset(&r);
        }
        bytes += used;
        left -= used;
    }
    char *text = fuzz_text(data + 1, size - 1);   /* the whole input as an EHLO reply's text */
    oat_smtp_caps caps;
    oat_smtp_capabilities(text, &caps);
    free(text);
    return 0;
}
