/* server.c: the echo itself. Each spawned connection gets its own context on OPEN; bytes are
 * read only once the previous ones were taken by wip_write, so a short write waits for
 * WIP_CEV_WRITE instead of dropping anything. */
#include "adl_global.h"
#include "wip.h"
#include "tcp_echo_server.h"

static wip_channel_t tcps_Server;
static u32 tcps_Connections;

static void tcps_Finalizer(void *Ctx)
{
    tcps_conn_t *conn = Ctx;
    TRACE((2, "tcp_echo_server: connection %d released", conn->Id));
    adl_memRelease(conn);
}

static void tcps_Close(tcps_conn_t *Conn)
{
    if (Conn->Channel == NULL)
        return;
    wip_close(Conn->Channel);
    Conn->Channel = NULL;
}

/* Echo what can be echoed now: flush the pending bytes, then read more, until a write comes
 * up short (WIP_CEV_WRITE resumes) or nothing is left to read (WIP_CEV_READ resumes). */
static void tcps_Pump(tcps_conn_t *Conn)
{
    int n;
    for (;;) {
        if (Conn->Pending > 0) {
            n = wip_write(Conn->Channel, Conn->Buf, Conn->Pending);
            if (n < 0) {
                TRACE((1, "tcp_echo_server: connection %d: wip_write failed %d", Conn->Id, n));
                tcps_Close(Conn);
                return;
            }
            Conn->Echoed += (u32)n;
            Conn->Pending -= (u32)n;
            if (Conn->Pending > 0) {
                wm_memmove(Conn->Buf, Conn->Buf + n, Conn->Pending);
                return;
            }
        }
        n = wip_read(Conn->Channel, Conn->Buf, sizeof Conn->Buf);
        if (n < 0) {
            TRACE((1, "tcp_echo_server: connection %d: wip_read failed %d", Conn->Id, n));
            tcps_Close(Conn);
            return;
        }
        if (n == 0)
            return;
        Conn->Pending = (u32)n;
    }
}

static void tcps_Open(wip_channel_t Channel)
{
    tcps_conn_t *conn = adl_memGet(sizeof *conn);
    if (conn == NULL) {
        TRACE((1, "tcp_echo_server: no memory for a connection, closing it"));
        wip_close(Channel);
        return;
    }
    wm_memset(conn, 0, sizeof *conn);
    conn->Channel = Channel;
    conn->Id = ++tcps_Connections;
    wip_setCtx(Channel, conn);
    wip_setOpts(Channel, WIP_COPT_FINALIZER, tcps_Finalizer, WIP_COPT_END);
    TRACE((1, "tcp_echo_server: connection %d open", conn->Id));
}

static void tcps_EventHandler(wip_event_t *Ev, void *Ctx)
{
    tcps_conn_t *conn = Ctx;
    if (Ev->kind == WIP_CEV_OPEN) {
        tcps_Open(Ev->channel);
        return;
    }
    if (conn == NULL || conn->Channel == NULL)
        return;
    switch (Ev->kind) {
    case WIP_CEV_READ:
    case WIP_CEV_WRITE:
        tcps_Pump(conn);
        break;
    case WIP_CEV_PEER_CLOSE:
        /* Writing is over once the peer closed: what is still held cannot be echoed. */
        TRACE((1, "tcp_echo_server: connection %d closed by the peer, %d bytes echoed, %d not",
               conn->Id, conn->Echoed, conn->Pending));
        tcps_Close(conn);
        break;
    case WIP_CEV_ERROR:
        TRACE((1, "tcp_echo_server: connection %d error %d after %d bytes echoed", conn->Id,
               (int)Ev->content.error.errnum, conn->Echoed));
        tcps_Close(conn);
        break;
    default:
        TRACE((2, "tcp_echo_server: connection %d event %d", conn->Id, Ev->kind));
        break;
    }
}

void tcps_ServerStart(void)
{
    tcps_Server = wip_TCPServerCreate(TCPS_PORT, tcps_EventHandler, NULL);
    if (tcps_Server == NULL) {
        TRACE((1, "tcp_echo_server: cannot listen on module port %d", TCPS_PORT));
        return;
    }
    TRACE((1, "tcp_echo_server: listening on module port %d", TCPS_PORT));
}
