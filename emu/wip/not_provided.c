/* not_provided.c: Internet library clients oatemu does not provide yet (FTP). Each
 * call fails loudly: a trace pointing at docs/api-coverage.md, and no channel. */
#include "wip/wip_internal.h"
#include "wip_ftp.h"
#include "core/calls.h"
#include "core/log.h"

static wip_channel_t not_provided(const char *fn)
{
    oat_unsupported(fn);
    OAT_CALL_PTR(fn, NULL, "%s", "...");
    return NULL;
}

wip_channel_t wip_FTPCreate(const ascii *server, wip_eventHandler_f evh, void *ctx)
{
    (void)server; (void)evh; (void)ctx;
    return not_provided("wip_FTPCreate");
}

wip_channel_t wip_FTPCreateOpts(const ascii *server, wip_eventHandler_f evh, void *ctx, ...)
{
    (void)server; (void)evh; (void)ctx;
    return not_provided("wip_FTPCreateOpts");
}
