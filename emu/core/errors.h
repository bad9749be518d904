/* errors.h: the shape of an error table and its lookups, for traces and the call log. Each
 * layer keeps its families as X-macro lists and builds the tables; the core knows none. */
#ifndef OAT_ERRORS_H
#define OAT_ERRORS_H

#include <stddef.h>

typedef struct {
    long long code;
    const char *name;               /* the SDK's (or oatemu's) macro name */
    const char *message;            /* what it means, in words */
} oat_err_info;

typedef struct oat_err_table {
    const char *family;             /* "ADL_RET", "WIP_CERR", ... */
    const oat_err_info *codes;
    size_t count;
    const struct oat_err_table *fallback;   /* asked when the code is not one of ours, or NULL */
} oat_err_table;

/* X(name, message) entries of a family list become table rows; the values stay where the
 * SDK headers define them. */
#define OAT_ERR_ROW(name, message) { name, #name, message },
#define OAT_ERR_TABLE(var, family_name, LIST, fallback_table)                                \
    static const oat_err_info var##_rows[] = { LIST(OAT_ERR_ROW) };                         \
    const oat_err_table var = { family_name, var##_rows,                                     \
                                sizeof var##_rows / sizeof var##_rows[0], fallback_table }

/* The row of code in t, else in its fallbacks; NULL when none has it. */
const oat_err_info *oat_err_find(const oat_err_table *t, long long code);
/* Its name, or NULL. */
const char *oat_err_name(const oat_err_table *t, long long code);
/* Its message, or "unknown code". */
const char *oat_err_message(const oat_err_table *t, long long code);

#endif
