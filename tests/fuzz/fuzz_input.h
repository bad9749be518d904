/* fuzz_input.h: what every harness of tests/fuzz needs: the input as a C string, a check that
 * aborts with its text (a libFuzzer finding), and emulator diagnostics sent to /dev/null.
 * Included once per harness: it defines the harness's libFuzzer initialization. */
#ifndef OAT_FUZZ_INPUT_H
#define OAT_FUZZ_INPUT_H

#include "core/calls.h"
#include "core/log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* The bytes as a NUL-terminated string (cut at the first NUL they hold); caller frees. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Warnings and the call log (on: its formatting of hostile text is fuzzed too) to /dev/null. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    FUZZ_CHECK(oat_log_open("/dev/null") == 0);
    oat_calls_enabled = true;
    return 0;
}

#endif
