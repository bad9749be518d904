/* fuzz_mime.c: libFuzzer harness of what the SMTP client encodes (emu/wip/base64.c,
 * smtp_message.c), each checked against a decoder written here: what goes in comes out.
 * The first byte picks the size of the pieces the streamed encoders are fed. */
#include "fuzz_input.h"

#include "wip/base64.h"
#include "wip/smtp_internal.h"

/* AUTH's one-block base64: decode(encode(x)) == x, and a buffer one byte short is refused. */
static void check_base64_block(const uint8_t *in, size_t len)
{
    size_t cap = oat_base64_size(len);
    char *text = malloc(cap);
    uint8_t *back = malloc(len + 1);
    FUZZ_CHECK(text && back);
    FUZZ_CHECK(oat_base64_encode(in, len, text, cap - 1) == -1);
    long n = oat_base64_encode(in, len, text, cap);
    FUZZ_CHECK(n >= 0 && (size_t)n + 1 == cap && strlen(text) == (size_t)n);
    FUZZ_CHECK(oat_base64_decode(text, (size_t)n, back, len) == (long)len);
    FUZZ_CHECK(memcmp(back, in, len) == 0);
    if (len > 0)
        FUZZ_CHECK(oat_base64_decode(text, (size_t)n, back, len - 1) == -1);
    free(text);
    free(back);
}

/* The encoder of a body or a streamed part, fed in pieces, then its end. Returns the wire
 * bytes (caller frees) and their count in *wire_len. */
static uint8_t *encode_body(oat_smtp_body *b, const uint8_t *in, size_t len, size_t piece,
                            size_t *wire_len)
{
    uint8_t *wire = malloc(2 * len + 8 + 8);
    FUZZ_CHECK(wire != NULL);
    size_t o = 0;
    for (size_t i = 0; i < len; i += piece) {
        size_t n = len - i < piece ? len - i : piece;
        o += oat_smtp_body_encode(b, in + i, n, wire + o);
        FUZZ_CHECK(o <= 2 * (i + n));
    }
    if (b->base64)
        o += oat_smtp_base64_finish(b, wire + o);
    else
        o += oat_smtp_body_end(b, wire + o);
    FUZZ_CHECK(o <= 2 * len + 8);
    *wire_len = o;
    return wire;
}

/* A streamed attachment: lines of at most 76 characters, CRLF-ended, whose base64 decodes
 * back to the input. */
static void check_base64_part(const uint8_t *in, size_t len, size_t piece)
{
    oat_smtp_body b = { .line_start = true, .base64 = true };
    size_t wire_len;
    uint8_t *wire = encode_body(&b, in, len, piece, &wire_len);
    char *joined = malloc(wire_len + 1);
    FUZZ_CHECK(joined != NULL);
    size_t j = 0;
    for (size_t i = 0; i < wire_len;) {
        const uint8_t *crlf = memchr(wire + i, '\r', wire_len - i);
        FUZZ_CHECK(crlf != NULL && crlf + 1 < wire + wire_len && crlf[1] == '\n');
        size_t line = (size_t)(crlf - (wire + i));
        FUZZ_CHECK(line > 0 && line <= 76 && line % 4 == 0);
        memcpy(joined + j, wire + i, line);
        j += line;
        i += line + 2;
    }
    uint8_t *back = malloc(len + 1);
    FUZZ_CHECK(back != NULL);
    FUZZ_CHECK(oat_base64_decode(joined, j, back, len) == (long)len);
    FUZZ_CHECK(memcmp(back, in, len) == 0);
    free(back);
    free(joined);
    free(wire);
}

/* The input with every line end (CRLF, a lone CR, a lone LF) as CRLF, as the wire carries it. */
static size_t crlf_lines(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '\r' || in[i] == '\n') {
            out[o++] = '\r';
            out[o++] = '\n';
            if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
                i++;
        } else {
            out[o++] = in[i];
        }
    }
    return o;
}

/* DATA (dot-stuffed) or BDAT: CRLF-only line ends, no line "." before the end of data, and the
 * lines with one leading '.' taken off (DATA) are the input's lines. */
static void check_text_body(const uint8_t *in, size_t len, size_t piece, bool bdat)
{
    oat_smtp_body b = { .line_start = true, .no_stuffing = bdat };
    size_t wire_len;
    uint8_t *wire = encode_body(&b, in, len, piece, &wire_len);
    FUZZ_CHECK(wire_len >= 3 && memcmp(wire + wire_len - 3, ".\r\n", 3) == 0);
    FUZZ_CHECK(wire_len == 3 || (wire_len >= 5 && wire[wire_len - 5] == '\r'));
    size_t body_len = wire_len == 3 ? 0 : wire_len - 3;    /* up to its last CRLF */
    uint8_t *expect = malloc(2 * len + 2);
    uint8_t *back = malloc(wire_len);
    FUZZ_CHECK(expect && back);
    size_t e = crlf_lines(in, len, expect);
    if (e == 0 || expect[e - 1] != '\n') {
        expect[e++] = '\r';
        expect[e++] = '\n';
    }
    if (len == 0)
        e = 0;
    size_t k = 0;
    bool line_start = true;
    for (size_t i = 0; i < body_len; i++) {
        uint8_t c = wire[i];
        FUZZ_CHECK((c != '\r' || (i + 1 < body_len && wire[i + 1] == '\n')) &&
                   (c != '\n' || (i > 0 && wire[i - 1] == '\r')));
        if (line_start && c == '.' && !bdat) {
            FUZZ_CHECK(i + 1 < body_len && wire[i + 1] == '.');
            i++;
        }
        back[k++] = wire[i];
        line_start = wire[i] == '\n';
    }
    FUZZ_CHECK(k == e && memcmp(back, expect, e) == 0);
    free(back);
    free(expect);
    free(wire);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = 1 + data[0] % 97;
    const uint8_t *in = data + 1;
    size_t len = size - 1;
    check_base64_block(in, len);
    check_base64_part(in, len, piece);
    check_text_body(in, len, piece, false);
    check_text_body(in, len, piece, true);
    return 0;
}
