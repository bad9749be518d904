/* wip_throughput_bench.c: TCP throughput of a WIP channel through oatemu against a plain
 * non-blocking socket pair, copying the same bytes over host loopback with the same buffer
 * sizes, and the WIP event dispatch rate against two host threads ping-ponging over a
 * socketpair. Everything from one run, printed as ratios. No asserts, no timing sleeps.
 *
 *   wip_throughput_bench [MB] [round-trips] [reps]   (defaults: 256 MB, 200000, best of 3)
 *   BENCH_VERBOSE=1 adds per-copy counts (wip_write calls, short writes, WRITE/READ events).
 *
 * Throughput: a host reader thread accepts on 127.0.0.1:<port> and reads (non-blocking,
 * poll() when empty) into a B-byte buffer until it has everything. Plain: a host writer thread with a non-blocking socket
 * and poll() writes B-byte chunks to it. oatemu: an application (task table, wip_netInit,
 * GPRS bearer) opens a TCP client to peer.test (host-mapped to that port) with
 * SND_BUFSIZE = RCV_BUFSIZE = B and writes paced by WIP_CEV_WRITE. Reverse: the host
 * writer sends to the channel, which reads on WIP_CEV_READ into a B-byte buffer until
 * wip_read returns 0. The plain figure (host thread to host thread) serves both directions.
 * Timing: from the first byte written to the last byte read, CLOCK_MONOTONIC. */
#include "shim.h"
#include "wip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static size_t total_bytes = 256u << 20;
static long round_trips = 200000;
static int reps = 3;
static bool verbose;
static int listen_fd = -1;
static int listen_port;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a one-shot "done" flag the main thread waits on ---- */

static pthread_mutex_t done_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static int done_count;

static void signal_done(void)
{
    pthread_mutex_lock(&done_mu);
    done_count++;
    pthread_cond_broadcast(&done_cv);
    pthread_mutex_unlock(&done_mu);
}

static bool wait_done(int target, int timeout_s)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += timeout_s;
    pthread_mutex_lock(&done_mu);
    int rc = 0;
    while (done_count < target && rc == 0)
        rc = pthread_cond_timedwait(&done_cv, &done_mu, &dl);
    bool ok = done_count >= target;
    pthread_mutex_unlock(&done_mu);
    return ok;
}

/* ---- host side: the reader (sink) and the writer (source) ---- */

typedef struct {
    int fd;              /* -1: accept one connection on listen_fd */
    size_t buf;
    size_t total;
    double t_first, t_last;
    size_t moved;
} host_job;

static void *host_reader(void *arg)
{
    host_job *j = arg;
    int fd = j->fd >= 0 ? j->fd : accept(listen_fd, NULL, NULL);
    char *buf = malloc(j->buf);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (j->moved < j->total) {
        ssize_t n = recv(fd, buf, j->buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            struct pollfd p = { fd, POLLIN, 0 };
            poll(&p, 1, -1);
            continue;
        }
        if (n <= 0)
            break;
        j->moved += (size_t)n;
    }
    j->t_last = now_s();
    free(buf);
    close(fd);
    signal_done();
    return NULL;
}

/* Non-blocking writer: B-byte chunks, poll() for POLLOUT when the socket is full. */
static void *host_writer(void *arg)
{
    host_job *j = arg;
    int fd = j->fd >= 0 ? j->fd : accept(listen_fd, NULL, NULL);
    char *buf = malloc(j->buf);
    memset(buf, 'x', j->buf);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    j->t_first = now_s();
    while (j->moved < j->total) {
        size_t want = j->total - j->moved < j->buf ? j->total - j->moved : j->buf;
        ssize_t n = send(fd, buf, want, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            j->moved += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            struct pollfd p = { fd, POLLOUT, 0 };
            poll(&p, 1, -1);
            continue;
        }
        break;
    }
    free(buf);
    close(fd);
    return NULL;
}

static int connect_listener(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)listen_port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

/* Plain: writer thread -> loopback TCP -> reader thread, B-byte chunks both sides. */
static double plain_mbps(size_t b)
{
    host_job rd = { -1, b, total_bytes, 0, 0, 0 };
    pthread_t rt, wt;
    pthread_create(&rt, NULL, host_reader, &rd);
    host_job wr = { connect_listener(), b, total_bytes, 0, 0, 0 };
    pthread_create(&wt, NULL, host_writer, &wr);
    pthread_join(wt, NULL);
    pthread_join(rt, NULL);
    if (rd.moved != total_bytes)
        fprintf(stderr, "plain: reader got %zu of %zu bytes\n", rd.moved, total_bytes);
    return rd.moved / 1048576.0 / (rd.t_last - wr.t_first);
}

/* ---- oatemu: the application side ---- */

static void entry(void) {}

static const adl_InitTasks_t tasks[] = {
    { entry, 8192, "bench", 1 },
    { 0, 0, 0, 0 },
};

typedef struct {
    wip_channel_t ch;
    u32 b;
    bool send;             /* true: the app writes total_bytes; false: it reads them */
    size_t moved;
    double t_first, t_last;
    char *buf;
    int errors;
    u64 write_events, read_events, short_writes, writes, reads;
} app_job;

static app_job app;

static void app_pump_write(app_job *j)
{
    while (j->moved < total_bytes) {
        u32 want = (u32)(total_bytes - j->moved < j->b ? total_bytes - j->moved : j->b);
        if (j->moved == 0 && j->t_first == 0)
            j->t_first = now_s();
        int n = wip_write(j->ch, j->buf, want);
        j->writes++;
        if (n < 0) {
            j->errors++;
            return;
        }
        j->moved += (size_t)n;
        if ((u32)n < want) {
            j->short_writes++;
            return;            /* resume on the next WIP_CEV_WRITE */
        }
    }
    wip_close(j->ch);
    j->ch = NULL;
}

static void app_handler(wip_event_t *ev, void *ctx)
{
    app_job *j = ctx;
    switch (ev->kind) {
    case WIP_CEV_WRITE:
        j->write_events++;
        if (j->send && j->ch)
            app_pump_write(j);
        break;
    case WIP_CEV_READ:
        j->read_events++;
        if (!j->send && j->ch) {
            int n;
            while ((n = wip_read(j->ch, j->buf, j->b)) > 0) {
                j->reads++;
                j->moved += (size_t)n;
            }
            j->reads++;
            if (j->moved >= total_bytes && j->t_last == 0) {
                j->t_last = now_s();
                signal_done();
            }
        }
        break;
    case WIP_CEV_PEER_CLOSE:
        if (!j->send && j->ch) {
            wip_close(j->ch);
            j->ch = NULL;
        }
        break;
    case WIP_CEV_ERROR:
        j->errors++;
        fprintf(stderr, "channel error %d\n", (int)ev->content.error.errnum);
        if (j->ch) {
            wip_close(j->ch);
            j->ch = NULL;
        }
        signal_done();
        break;
    default:
        break;
    }
}

static void app_open(void *arg)
{
    app_job *j = arg;
    /* Not wip_TCPClientCreateOpts(..., WIP_COPT_SND_BUFSIZE, ...): on a host-mapped client
     * that crashes (stream.c resize() kicks host_kick() before tcp_host.c gave the channel
     * its transport, c->tp == NULL). Set right after creation instead, still before OPEN. */
    j->ch = wip_TCPClientCreate("peer.test", 7, app_handler, j);
    if (!j->ch || wip_setOpts(j->ch, WIP_COPT_SND_BUFSIZE, j->b, WIP_COPT_RCV_BUFSIZE, j->b,
                              WIP_COPT_END) != 0) {
        fprintf(stderr, "wip_TCPClientCreate / wip_setOpts failed\n");
        exit(1);
    }
}

static void net_init(void *arg)
{
    (void)arg;
    if (wip_netInit() != 0) {
        fprintf(stderr, "wip_netInit failed\n");
        exit(1);
    }
}

static s8 bearer_state = -1;
static void bearer_handler(wip_bearer_t br, s8 ev, void *ctx)
{
    (void)br;
    (void)ctx;
    bearer_state = ev;
}

static void bearer_up(void *arg)
{
    (void)arg;
    wip_bearer_t br;
    if (wip_bearerOpen(&br, "GPRS", bearer_handler, NULL) != 0) {
        fprintf(stderr, "wip_bearerOpen failed\n");
        exit(1);
    }
    s8 rc = wip_bearerStart(br);
    if (rc != 0 && rc != WIP_BERR_OK_INPROGRESS) {
        fprintf(stderr, "wip_bearerStart: %d\n", rc);
        exit(1);
    }
}

/* App writes, host thread reads. */
static double oatemu_send_mbps(u32 b)
{
    memset(&app, 0, sizeof app);
    app.b = b;
    app.send = true;
    app.buf = malloc(b);
    memset(app.buf, 'y', b);
    host_job rd = { -1, b, total_bytes, 0, 0, 0 };
    pthread_t rt;
    int target = done_count + 1;
    pthread_create(&rt, NULL, host_reader, &rd);
    oat_shim_in_task(0, app_open, &app);      /* writes start on the channel's first WRITE */
    if (!wait_done(target, 600))
        fprintf(stderr, "oatemu send: timed out at %zu bytes\n", rd.moved);
    pthread_join(rt, NULL);
    oat_shim_settle();
    if (rd.moved != total_bytes || app.errors)
        fprintf(stderr, "oatemu send: reader got %zu of %zu bytes, %d errors\n", rd.moved,
                total_bytes, app.errors);
    if (verbose)
        printf("  (send %u B: %llu wip_write, %llu short, %llu WRITE events, %.0f B/WRITE event)\n",
           (unsigned)b, (unsigned long long)app.writes, (unsigned long long)app.short_writes,
           (unsigned long long)app.write_events,
           app.write_events ? (double)total_bytes / app.write_events : 0.0);
    free(app.buf);
    return rd.moved / 1048576.0 / (rd.t_last - app.t_first);
}

/* Host thread writes, app reads on READ. */
static double oatemu_recv_mbps(u32 b)
{
    memset(&app, 0, sizeof app);
    app.b = b;
    app.send = false;
    app.buf = malloc(b);
    host_job wr = { -1, b, total_bytes, 0, 0, 0 };
    pthread_t wt;
    int target = done_count + 1;
    pthread_create(&wt, NULL, host_writer, &wr);
    oat_shim_in_task(0, app_open, &app);
    if (!wait_done(target, 600))
        fprintf(stderr, "oatemu recv: timed out at %zu bytes\n", app.moved);
    pthread_join(wt, NULL);
    oat_shim_settle();
    if (app.moved != total_bytes || app.errors)
        fprintf(stderr, "oatemu recv: app got %zu of %zu bytes, %d errors\n", app.moved,
                total_bytes, app.errors);
    if (verbose)
        printf("  (recv %u B: %llu READ events, %llu wip_read, %.0f B/READ event)\n", (unsigned)b,
           (unsigned long long)app.read_events, (unsigned long long)app.reads,
           app.read_events ? (double)total_bytes / app.read_events : 0.0);
    free(app.buf);
    return app.moved / 1048576.0 / (app.t_last - wr.t_first);
}

/* ---- event dispatch: a module-loopback ping-pong of 1-byte messages ---- */

static struct {
    wip_channel_t server, client;
    long trips;
    u64 events;
    double t0, t1;
    bool started;
} pp;

static char srv_tag, cli_tag;

static void pp_handler(wip_event_t *ev, void *ctx)
{
    char c;
    if (pp.started)
        pp.events++;
    if (ctx == &cli_tag) {
        if (ev->kind == WIP_CEV_WRITE && !pp.started) {
            pp.started = true;
            pp.t0 = now_s();
            wip_write(ev->channel, "p", 1);
        } else if (ev->kind == WIP_CEV_READ) {
            while (wip_read(ev->channel, &c, 1) > 0)
                ;
            if (++pp.trips < round_trips) {
                wip_write(ev->channel, "p", 1);
            } else {
                pp.t1 = now_s();
                signal_done();
            }
        }
    } else if (ev->kind == WIP_CEV_READ) {      /* spawned server side: echo */
        while (wip_read(ev->channel, &c, 1) > 0)
            ;
        wip_write(ev->channel, "p", 1);
    }
}

static void pp_open(void *arg)
{
    (void)arg;
    pp.server = wip_TCPServerCreate(4000, pp_handler, &srv_tag);
    pp.client = wip_TCPClientCreate("127.0.0.1", 4000, pp_handler, &cli_tag);
    if (!pp.server || !pp.client) {
        fprintf(stderr, "ping-pong channels not created\n");
        exit(1);
    }
}

static void pp_close(void *arg)
{
    (void)arg;
    wip_close(pp.client);
    wip_close(pp.server);
}

static double oatemu_events_per_s(void)
{
    memset(&pp, 0, sizeof pp);
    int target = done_count + 1;
    oat_shim_in_task(0, pp_open, NULL);
    if (!wait_done(target, 600))
        fprintf(stderr, "ping-pong: timed out at %ld round trips\n", pp.trips);
    oat_shim_in_task(0, pp_close, NULL);
    return pp.events / (pp.t1 - pp.t0);
}

/* Plain: two host threads ping-pong one byte over an AF_UNIX socketpair (blocking). */
static int sp[2];
static void *sp_echo(void *arg)
{
    (void)arg;
    char c;
    while (read(sp[1], &c, 1) == 1)
        if (write(sp[1], &c, 1) != 1)
            break;
    return NULL;
}

static double plain_messages_per_s(void)
{
    socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
    pthread_t t;
    pthread_create(&t, NULL, sp_echo, NULL);
    char c = 'p';
    double t0 = now_s();
    for (long i = 0; i < round_trips; i++) {
        if (write(sp[0], &c, 1) != 1 || read(sp[0], &c, 1) != 1)
            break;
    }
    double t1 = now_s();
    shutdown(sp[0], SHUT_RDWR);
    pthread_join(t, NULL);
    close(sp[0]);
    close(sp[1]);
    return 2.0 * round_trips / (t1 - t0);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        total_bytes = (size_t)atol(argv[1]) << 20;
    if (argc > 2)
        round_trips = atol(argv[2]);
    if (argc > 3)
        reps = atoi(argv[3]) > 0 ? atoi(argv[3]) : 1;
    if (getenv("BENCH_VERBOSE"))
        verbose = true;

    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(listen_fd, (struct sockaddr *)&a, sizeof a);
    listen(listen_fd, 16);
    socklen_t len = sizeof a;
    getsockname(listen_fd, (struct sockaddr *)&a, &len);
    listen_port = ntohs(a.sin_port);

    static const u32 sizes[2] = { 5840, 65535 };
    double plain[2], snd[2], rcv[2];

    char map[64];
    snprintf(map, sizeof map, "--host-map=peer.test=127.0.0.1:%d", listen_port);
    const char *flags[] = { "--trace=none", map, NULL };
    if (oat_shim_boot_tasks(tasks, flags) != 0)
        return 1;
    oat_shim_in_task(0, net_init, NULL);
    oat_shim_in_task(0, bearer_up, NULL);
    oat_shim_advance_ms(5000);                 /* GPRS attach + activation, virtual time */
    if (bearer_state != WIP_BEV_IP_CONNECTED) {
        fprintf(stderr, "bearer not IP-connected (%d)\n", bearer_state);
        return 1;
    }
    /* The plain figure is taken with the module booted and idle (its I/O thread asleep in
     * poll), right before the oatemu figures for the same B. */
    /* Best of `reps` interleaved rounds for every figure: on a small host, one scheduling
     * hiccup halves a single 256 MB copy. */
    for (int i = 0; i < 2; i++) {
        plain[i] = snd[i] = rcv[i] = 0;
        for (int r = 0; r < reps; r++) {
            double p = plain_mbps(sizes[i]), s = oatemu_send_mbps(sizes[i]),
                   v = oatemu_recv_mbps(sizes[i]);
            plain[i] = p > plain[i] ? p : plain[i];
            snd[i] = s > snd[i] ? s : snd[i];
            rcv[i] = v > rcv[i] ? v : rcv[i];
        }
    }
    double evs = oatemu_events_per_s();
    oat_shim_stop();
    double msgs = plain_messages_per_s();

    printf("%zu MB over 127.0.0.1 per copy, best of %d interleaved copies per figure\n",
           total_bytes >> 20, reps);
    for (int i = 0; i < 2; i++)
        printf("throughput %5u B  app->host  plain %7.1f MB/s  oatemu %7.1f MB/s  ratio %.2f (goal %.1f)\n",
               (unsigned)sizes[i], plain[i], snd[i], snd[i] / plain[i], i ? 0.9 : 0.8);
    for (int i = 0; i < 2; i++)
        printf("throughput %5u B  host->app  plain %7.1f MB/s  oatemu %7.1f MB/s  ratio %.2f (goal %.1f)\n",
               (unsigned)sizes[i], plain[i], rcv[i], rcv[i] / plain[i], i ? 0.9 : 0.8);
    printf("dispatch  %ld round trips  plain socketpair ping-pong %.0f msg/s  oatemu %.0f events/s"
           "  ratio %.2f\n", round_trips, msgs, evs, evs / msgs);
    close(listen_fd);
    return 0;
}
