/* fuzz_wm_str.c: libFuzzer harness of the wm_* string functions that parse what an application
 * receives (emu/adl/wm_str.c): response parameters, hex text, CR/LF removal, the character
 * class checks; hex bytes round trip through wm_ibuftohexa and wm_hexatoibuf. */
#include "wm_stdio.h"

#include "fuzz_input.h"

static void check_parameters(const char *src, size_t len)
{
    char *param = malloc(len + 1);     /* a parameter is never longer than its response */
    FUZZ_CHECK(param != NULL);
    for (unsigned pos = 1; pos <= 8; pos++) {
        if (wm_strGetParameterString(param, src, (u8)pos) == NULL)
            break;
        FUZZ_CHECK(strlen(param) <= len && strpbrk(param, "\"\r\n") == NULL);
    }
    free(param);
}

static void check_hex(const uint8_t *data, size_t size, char *text)
{
    size_t n = size > 512 ? 512 : size;
    char hex[2 * 512 + 1];
    uint8_t back[512];
    FUZZ_CHECK(wm_ibuftohexa(hex, (u8 *)data, (u16)n) == hex && strlen(hex) == 2 * n);
    FUZZ_CHECK(wm_ishexastring(hex) || n == 0);
    FUZZ_CHECK(wm_hexatoibuf(back, hex) == back && memcmp(back, data, n) == 0);

    size_t len = strlen(text);
    uint8_t *bytes = malloc(len / 2 + 1);
    FUZZ_CHECK(bytes != NULL);
    if (wm_hexatoibuf(bytes, text) != NULL)
        FUZZ_CHECK(len % 2 == 0 && (len == 0 || wm_ishexastring(text)));
    free(bytes);
    wm_hexatoi(text, (u16)(len < 9 ? len : 9));
    char digits[256 + 1];
    wm_itohexa(digits, n > 0 ? (u32)data[0] << 24 | (u32)n : 0, (u8)(n % 256));
    FUZZ_CHECK(strlen(digits) == n % 256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65535)                  /* the u16 sizes of the API */
        return 0;
    char *text = fuzz_text(data, size);
    size_t len = strlen(text);
    check_parameters(text, len);
    check_hex(data, size, text);
    wm_isnumstring(text);
    wm_isphonestring(text);
    char *flat = malloc(len + 1);
    FUZZ_CHECK(flat != NULL);
    u16 cut = size > 0 ? data[0] : 0;  /* reads at most this many characters */
    FUZZ_CHECK(wm_strRemoveCRLF(flat, text, cut) == flat && strlen(flat) <= cut);
    FUZZ_CHECK(wm_strRemoveCRLF(flat, text, (u16)len) == flat);
    FUZZ_CHECK(strpbrk(flat, "\r\n") == NULL && strlen(flat) <= len);
    FUZZ_CHECK(wm_strRemoveCRLF(text, text, (u16)len) == text && strcmp(text, flat) == 0);
    FUZZ_CHECK(wm_strnicmp(text, flat, (u32)len) == 0);
    free(flat);
    free(text);
    return 0;
}
