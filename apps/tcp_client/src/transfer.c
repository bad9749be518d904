/* transfer.c: the echo check. Streams tcpc_Size pattern bytes paced by WIP_CEV_WRITE (never
 * from OPEN, never looping past a short write), reads the echo until wip_read gives 0 and
 * compares it byte for byte; the finalizer stops the bearer once the channel is released. */
#include "adl_global.h"
#include "wip.h"
#include "tcp_client.h"

#define TCPC_CHUNK 1460

static wip_channel_t tcpc_Channel;
static u32 tcpc_Sent;
static u32 tcpc_Received;
static u32 tcpc_Bad;
static u32 tcpc_FirstBad;
static u8 tcpc_Buf[TCPC_CHUNK];

/* The byte at offset Pos of the stream: not periodic on any power of two up to 64 KB, so a
 * lost, doubled or reordered segment shows up as a mismatch. */
static u8 tcpc_Pattern(u32 Pos)
{
    return (u8)(Pos + Pos / 251);
}

#define TCPC_CERR_CASE(code) \
    case code: TRACE((1, "tcp_client: error is " #code " (%d)", (int)(code))); break

static void tcpc_TraceCerr(s32 Err)
{
    switch (Err) {
    TCPC_CERR_CASE(WIP_CERR_ABORTED);
    TCPC_CERR_CASE(WIP_CERR_CSTATE);
    TCPC_CERR_CASE(WIP_CERR_NOT_SUPPORTED);
    TCPC_CERR_CASE(WIP_CERR_OUT_OF_RANGE);
    TCPC_CERR_CASE(WIP_CERR_MEMORY);
    TCPC_CERR_CASE(WIP_CERR_INTERNAL);
    TCPC_CERR_CASE(WIP_CERR_INVALID);
    TCPC_CERR_CASE(WIP_CERR_DNS_FAILURE);
    TCPC_CERR_CASE(WIP_CERR_RESOURCES);
    TCPC_CERR_CASE(WIP_CERR_PORT_IN_USE);
    TCPC_CERR_CASE(WIP_CERR_REFUSED);
    TCPC_CERR_CASE(WIP_CERR_HOST_UNREACHABLE);
    TCPC_CERR_CASE(WIP_CERR_NETWORK_UNREACHABLE);
    TCPC_CERR_CASE(WIP_CERR_PIPE_BROKEN);
    TCPC_CERR_CASE(WIP_CERR_TIMEOUT);
    default:
        TRACE((1, "tcp_client: error is %d (not a WIP_CERR_* code)", (int)Err));
        break;
    }
}

static void tcpc_Finalizer(void *Ctx)
{
    (void)Ctx;
    TRACE((1, "tcp_client: channel released, stopping the bearer"));
    tcpc_State = TCPC_IDLE;
    tcpc_BearerStop();
}

static void tcpc_Close(void)
{
    if (tcpc_Channel == NULL)
        return;
    wip_close(tcpc_Channel);
    tcpc_Channel = NULL;
}

static void tcpc_Fail(s32 Err)
{
    TRACE((1, "tcp_client: transfer failed after %d bytes sent, %d echoed", tcpc_Sent,
           tcpc_Received));
    tcpc_TraceCerr(Err);
    tcpc_Close();
}

static void tcpc_Send(void)
{
    while (tcpc_Sent < tcpc_Size) {
        u32 len = tcpc_Size - tcpc_Sent;
        u32 i;
        int n;
        if (len > TCPC_CHUNK)
            len = TCPC_CHUNK;
        for (i = 0; i < len; i++)
            tcpc_Buf[i] = tcpc_Pattern(tcpc_Sent + i);
        n = wip_write(tcpc_Channel, tcpc_Buf, len);
        if (n < 0) {
            tcpc_Fail(n);
            return;
        }
        tcpc_Sent += (u32)n;
        if ((u32)n < len)
            return; /* short: the next WIP_CEV_WRITE resumes here */
    }
    TRACE((2, "tcp_client: all %d bytes handed to the stack", tcpc_Sent));
}

static void tcpc_Receive(void)
{
    int n, i;
    while ((n = wip_read(tcpc_Channel, tcpc_Buf, sizeof tcpc_Buf)) > 0) {
        for (i = 0; i < n; i++) {
            u32 pos = tcpc_Received + (u32)i;
            if (pos >= tcpc_Size || tcpc_Buf[i] != tcpc_Pattern(pos)) {
                if (tcpc_Bad == 0)
                    tcpc_FirstBad = pos;
                tcpc_Bad++;
            }
        }
        tcpc_Received += (u32)n;
    }
    if (n < 0) {
        tcpc_Fail(n);
        return;
    }
    if (tcpc_Received < tcpc_Size)
        return;
    if (tcpc_Bad == 0)
        TRACE((1, "tcp_client: %d bytes echoed intact", tcpc_Received));
    else
        TRACE((1, "tcp_client: echo CORRUPT, %d bad bytes of %d, first at offset %d", tcpc_Bad,
               tcpc_Received, tcpc_FirstBad));
    tcpc_Close();
}

static void tcpc_EventHandler(wip_event_t *Ev, void *Ctx)
{
    (void)Ctx;
    switch (Ev->kind) {
    case WIP_CEV_OPEN:
        TRACE((1, "tcp_client: connected, streaming %d bytes", tcpc_Size));
        break;
    case WIP_CEV_WRITE:
        tcpc_Send();
        break;
    case WIP_CEV_READ:
        tcpc_Receive();
        break;
    case WIP_CEV_PEER_CLOSE:
        tcpc_Receive(); /* bytes that arrived before the FIN are still readable */
        if (tcpc_Channel != NULL) {
            TRACE((1, "tcp_client: peer closed after %d of %d bytes echoed", tcpc_Received,
                   tcpc_Size));
            tcpc_Close();
        }
        break;
    case WIP_CEV_ERROR:
        TRACE((1, "tcp_client: WIP_CEV_ERROR %d", (int)Ev->content.error.errnum));
        tcpc_Fail(Ev->content.error.errnum);
        break;
    default:
        TRACE((2, "tcp_client: channel event %d", Ev->kind));
        break;
    }
}

void tcpc_TransferStart(void)
{
    tcpc_Sent = 0;
    tcpc_Received = 0;
    tcpc_Bad = 0;
    tcpc_FirstBad = 0;
    tcpc_State = TCPC_TRANSFER;
    TRACE((1, "tcp_client: connecting to port %d", tcpc_Port));
    tcpc_Channel = wip_TCPClientCreateOpts(tcpc_Host, tcpc_Port, tcpc_EventHandler, NULL,
                                           WIP_COPT_FINALIZER, tcpc_Finalizer, WIP_COPT_END);
    if (tcpc_Channel == NULL) {
        TRACE((1, "tcp_client: wip_TCPClientCreateOpts refused the request"));
        tcpc_State = TCPC_IDLE;
        tcpc_BearerStop();
    }
}
