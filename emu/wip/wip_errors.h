/* wip_errors.h: the WIP error families (errnames.c): channel WIP_CERR_*, bearer WIP_BERR_*,
 * SSL, SMTP, HTTP, FTP and POP3 errnums, with their names and messages, and the host errno map into them. */
#ifndef OAT_WIP_ERRORS_H
#define OAT_WIP_ERRORS_H

#include "core/errors.h"

/* The SSL, SMTP, HTTP, FTP and POP3 families fall back to the channel one (negative errnums are
 * WIP_CERR_*). */
extern const oat_err_table oat_wip_cerr_errors, oat_wip_berr_errors, oat_wip_ssl_errors,
    oat_wip_smtp_errors, oat_wip_http_errors, oat_wip_ftp_errors, oat_wip_pop3_errors;
/* Every WIP family, NULL-terminated. */
extern const oat_err_table *const oat_wip_err_tables[];

/* "WIP_CERR_TIMEOUT"; "OK" for 0, "error" for a code that is none of them. */
const char *oat_cerr_name(int err);
/* "WIP_BERR_PARAM" for a WIP_BERR_* code, NULL for any other value. */
const char *oat_berr_name(long long code);
/* A host errno (socket calls) as the WIP_CERR_* an application sees; WIP_CERR_INTERNAL for
 * one with no better match. */
int oat_errno_to_cerr(int e);

#endif
