/* tp_ref.c: the life of a transport block shared with the I/O thread: its holders, the
 * close of its host descriptors on the I/O thread, and its free by the last holder. One
 * mechanism for every host transport (TCP, UDP, ping). */
#include "wip/wip_internal.h"
#include "core/loop.h"

#include <stdlib.h>
#include <unistd.h>

void oat_tp_ref_init(oat_tp_ref *r, void (*close_fds)(oat_tp_ref *r))
{
    __atomic_store_n(&r->holders, 1, __ATOMIC_RELAXED);
    r->close_fds = close_fds;
}

void oat_tp_hold(oat_tp_ref *r)
{
    __atomic_fetch_add(&r->holders, 1, __ATOMIC_RELAXED);
}

void oat_tp_let_go(oat_tp_ref *r)
{
    if (__atomic_fetch_sub(&r->holders, 1, __ATOMIC_ACQ_REL) == 1)
        free(r);
}

void oat_host_fd_close(int *fd, bool watched)
{
    if (*fd < 0)
        return;
    if (watched)
        oat_io_del(*fd);
    close(*fd);
    *fd = -1;
}

/* On the I/O thread (or with no I/O thread any more). */
static void end_here(void *arg)
{
    oat_tp_ref *r = arg;
    if (r->close_fds)
        r->close_fds(r);
    oat_tp_let_go(r);
}

void oat_tp_end(oat_tp_ref *r)
{
    if (r->close_fds && oat_loop_running() && !oat_loop_is_current())
        oat_loop_call(end_here, r);
    else
        end_here(r);
}
