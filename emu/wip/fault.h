/* fault.h: scripted faults on host connections (--fault / OATEMU_FAULT, oatemu_set_fault):
 * per peer name or address and port, what the peer or the network does to a connection
 * (refuse, delay, reset, close, stall, drop the bearer, fail the lookup, a TLS alert), timed
 * in emulated time. The transports (tcp_host.c, ssl.c) ask here and act. Lock: WIP lock held
 * for every call on a channel. */
#ifndef OAT_FAULT_H
#define OAT_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wip_channel_ oat_chan;
typedef struct oat_fault_conn oat_fault_conn;

/* One peer's faults (fault_option.c); counts < 0 and durations < 0: not asked. */
enum { OAT_FAULT_SENT = 1, OAT_FAULT_RECV = 2 };   /* the bytes a limit counts */
typedef struct {
    int64_t n;              /* < 0: none */
    unsigned dirs;          /* OAT_FAULT_SENT | OAT_FAULT_RECV */
} oat_fault_limit;
typedef struct {
    bool refuse, lookup_fail;
    int64_t connect_delay_us, stall_us, drop_bearer_us;
    oat_fault_limit reset, close;
    int64_t tls_alert_after;
} oat_fault_spec;

/* The faults for app_name:app_port or addr:port (the first entry that matches); false when
 * none does. */
bool oat_fault_spec_find(const char *app_name, uint16_t app_port, const char *addr,
                         uint16_t port, oat_fault_spec *out);

/* The --fault option (registered by wip_options.c): "<peer>[:<port>]:<fault>[,<fault>...]
 * [;<peer>...]" replaces the faults ("" = none). Returns 0, or -1 with one line in err.
 * Reset: no fault. */
int oat_fault_option_set(const char *value, char *err, size_t errlen);
void oat_fault_option_reset(void);

/* A host TCP client to app_name:app_port (the name the application gave), reaching
 * addr:port on the host (after the host map): its faults, if any match, from now on. */
void oat_fault_attach(oat_chan *c, const char *app_name, uint16_t app_port, const char *addr,
                      uint16_t port);
/* The channel goes: its fault state with it (timers still queued do nothing). */
void oat_fault_detach(oat_chan *c);

/* The connect is due: 0 = connect now; 1 = later (connect-delay: connect(c) then, unless
 * the channel is gone or refused); or the WIP_CERR_* the connect fails with (lookup-fail,
 * refuse), traced. */
int oat_fault_connect(oat_chan *c, void (*connect)(oat_chan *c));
/* The connection is open: timed faults (stall, drop-bearer) start. */
void oat_fault_opened(oat_chan *c);

/* What a byte count asks the transport to do. */
typedef enum { OAT_FAULT_GO_ON, OAT_FAULT_RESET, OAT_FAULT_CLOSE } oat_fault_act;
/* The bytes the socket may take now (UINT32_MAX: no limit; 0 while stalled). */
uint32_t oat_fault_send_room(oat_chan *c);
/* The bytes the application may still read (UINT32_MAX: no limit). */
uint32_t oat_fault_recv_room(oat_chan *c);
/* n bytes went to the peer / reached the application: what happens now. */
oat_fault_act oat_fault_sent(oat_chan *c, uint32_t n);
oat_fault_act oat_fault_received(oat_chan *c, uint32_t n);
/* The peer's close came (close-after) with `readable` bytes in the socket: those the
 * limits let through stay readable, nothing after them. */
void oat_fault_closed(oat_chan *c, uint32_t readable);
/* SSL over c (its TCP channel): n plaintext bytes were written; true when the peer's alert
 * comes now (tls-alert-after, traced). */
bool oat_fault_tls_written(oat_chan *c, uint32_t n);

#endif
