/* errors.c: looks codes up in the error tables the layers define (core/errors.h). No table
 * lives here. */
#include "core/errors.h"

const oat_err_info *oat_err_find(const oat_err_table *t, long long code)
{
    for (; t; t = t->fallback)
        for (size_t i = 0; i < t->count; i++)
            if (t->codes[i].code == code)
                return &t->codes[i];
    return NULL;
}

const char *oat_err_name(const oat_err_table *t, long long code)
{
    const oat_err_info *e = oat_err_find(t, code);
    return e ? e->name : NULL;
}

const char *oat_err_message(const oat_err_table *t, long long code)
{
    const oat_err_info *e = oat_err_find(t, code);
    return e ? e->message : "unknown code";
}
