/* ssl_bench.c: the Security library through oatemu against OpenSSL's own client, from one
 * run, printed as ratios. No asserts, no timing sleeps.
 *
 *   ssl_bench [handshakes] [MB]   (defaults: 200 handshakes, 64 MB)
 *
 * Server: a host thread running an OpenSSL TLS server on 127.0.0.1:<free port> with an
 * ECDSA P-256 certificate made in memory, pinned to TLS 1.3 + TLS_AES_128_GCM_SHA256, no
 * session tickets; it serves one connection at a time: handshake, then (transfer mode)
 * writes MB megabytes in 16 KB records, then waits for the client's close_notify and
 * answers it.
 * Plain: OpenSSL client on a blocking socket in the main thread (connect + SSL_connect,
 * SSL_read into a 16 KB buffer until everything arrived, SSL_shutdown).
 * oatemu: an application task with wip_SSLInitOpts(WIP_COPT_VERIFY, WIP_SSL_NEVER) opens
 * wip_SSLClientCreateOpts("peer.test", 443) (host-mapped to the server) on a started GPRS
 * bearer; handshake = from the create call to WIP_CEV_OPEN; transfer = from OPEN to the
 * last byte read on WIP_CEV_READ (wip_read until 0, 16 KB buffer); then wip_close.
 * Handshake figure: median of N sequential handshakes each; transfer: best of 3.
 * BENCH_RCVBUF=<n> sets WIP_COPT_RCV_BUFSIZE n in wip_SSLClientCreateOpts (the SSL channel's
 * plaintext ring) and with wip_setOpts right after (the TCP channel under it); default: the
 * default 5840-byte buffers an application gets. BENCH_VERBOSE=1 adds READ event counts. */
#include "shim.h"
#include "wip.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 16384

static int n_handshakes = 200;
static size_t total_bytes = 64u << 20;
static int listen_fd = -1;
static int listen_port;
static SSL_CTX *server_ctx;
static volatile int server_transfer;   /* set by the main thread between connections */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- a "done" counter the main thread waits on ---- */

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

/* ---- the TLS server ---- */

static SSL_CTX *make_server_ctx(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_NAME *nm = X509_NAME_new();
    if (!key || !x || !nm)
        return NULL;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"peer.test", -1,
                               -1, 0);
    X509_set_subject_name(x, nm);
    X509_set_issuer_name(x, nm);
    X509_sign(x, key, EVP_sha256());
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256");
    SSL_CTX_set_num_tickets(ctx, 0);
    if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
        ERR_print_errors_fp(stderr);
        return NULL;
    }
    X509_NAME_free(nm);
    X509_free(x);
    EVP_PKEY_free(key);
    return ctx;
}

static void *server_main(void *arg)
{
    (void)arg;
    char *buf = malloc(CHUNK);
    memset(buf, 'z', CHUNK);
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0)
            break;
        SSL *s = SSL_new(server_ctx);
        SSL_set_fd(s, fd);
        if (SSL_accept(s) == 1) {
            if (server_transfer) {
                size_t sent = 0;
                while (sent < total_bytes) {
                    int want = total_bytes - sent < CHUNK ? (int)(total_bytes - sent) : CHUNK;
                    int n = SSL_write(s, buf, want);
                    if (n <= 0)
                        break;
                    sent += (size_t)n;
                }
            }
            char b[256];
            while (SSL_read(s, b, sizeof b) > 0)   /* until the client's close_notify */
                ;
            SSL_shutdown(s);
        } else {
            ERR_print_errors_fp(stderr);
        }
        ERR_clear_error();
        SSL_free(s);
        close(fd);
    }
    free(buf);
    return NULL;
}

/* A plain TCP listener for the breakdown line: accepts, reads until EOF, closes. */
static int tcp_listen_fd = -1;
static int tcp_listen_port;

static void *tcp_sink_main(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(tcp_listen_fd, NULL, NULL);
        if (fd < 0)
            break;
        char b[256];
        while (read(fd, b, sizeof b) > 0)
            ;
        close(fd);
    }
    return NULL;
}

static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(fd, (struct sockaddr *)&a, sizeof a);
    listen(fd, 16);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* ---- plain OpenSSL client ---- */

static SSL_CTX *client_ctx;

static SSL *plain_connect(int *fdp)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)listen_port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        exit(1);
    }
    SSL *s = SSL_new(client_ctx);
    SSL_set_fd(s, fd);
    SSL_set_tlsext_host_name(s, "peer.test");
    if (SSL_connect(s) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    *fdp = fd;
    return s;
}

static void plain_close(SSL *s, int fd)
{
    SSL_shutdown(s);
    SSL_free(s);
    close(fd);
}

static double plain_handshake_ms(void)
{
    double *v = malloc(sizeof(double) * (size_t)n_handshakes);
    server_transfer = 0;
    for (int i = 0; i < n_handshakes; i++) {
        int fd;
        double t0 = now_s();
        SSL *s = plain_connect(&fd);
        v[i] = (now_s() - t0) * 1e3;
        plain_close(s, fd);
    }
    double m = median(v, n_handshakes);
    free(v);
    return m;
}

static double plain_mbps(void)
{
    int fd;
    server_transfer = 1;
    SSL *s = plain_connect(&fd);
    char *buf = malloc(CHUNK);
    size_t got = 0;
    double t0 = now_s();
    while (got < total_bytes) {
        int n = SSL_read(s, buf, CHUNK);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    double t1 = now_s();
    if (got != total_bytes)
        fprintf(stderr, "plain: got %zu of %zu bytes\n", got, total_bytes);
    plain_close(s, fd);
    free(buf);
    return got / 1048576.0 / (t1 - t0);
}

/* ---- oatemu: the application side ---- */

static void entry(void) {}

static const adl_InitTasks_t tasks[] = {
    { entry, 8192, "bench", 1 },
    { 0, 0, 0, 0 },
};

static struct {
    wip_channel_t ch;
    bool transfer;
    double t0, t_open, t_last;
    size_t got;
    int errors;
    u64 read_events;
    char buf[CHUNK];
} app;

static void app_finalizer(void *ctx)
{
    (void)ctx;
    signal_done();
}

static void app_handler(wip_event_t *ev, void *ctx)
{
    (void)ctx;
    switch (ev->kind) {
    case WIP_CEV_OPEN:
        app.t_open = now_s();
        if (!app.transfer) {
            wip_close(app.ch);
            app.ch = NULL;
        }
        break;
    case WIP_CEV_READ:
        app.read_events++;
        if (app.ch) {
            int n;
            while ((n = wip_read(app.ch, app.buf, CHUNK)) > 0)
                app.got += (size_t)n;
            if (app.got >= total_bytes) {
                app.t_last = now_s();
                wip_close(app.ch);
                app.ch = NULL;
            }
        }
        break;
    case WIP_CEV_INVALID:
    case WIP_CEV_ERROR:
        app.errors++;
        fprintf(stderr, "oatemu: %s %d after %zu bytes\n",
                ev->kind == WIP_CEV_ERROR ? "WIP_CEV_ERROR" : "WIP_CEV_INVALID",
                ev->kind == WIP_CEV_ERROR ? (int)ev->content.error.errnum : 0, app.got);
        if (app.ch) {
            wip_close(app.ch);
            app.ch = NULL;
        }
        break;
    default:
        break;
    }
}

static void app_open(void *arg)
{
    (void)arg;
    const char *rb = getenv("BENCH_RCVBUF");   /* e.g. 65535: both rings (see the top) */
    u32 b = rb ? (u32)atol(rb) : 0;
    app.t0 = now_s();
    if (b)
        app.ch = wip_SSLClientCreateOpts("peer.test", 443, app_handler, NULL, WIP_COPT_FINALIZER,
                                         app_finalizer, WIP_COPT_RCV_BUFSIZE, b, WIP_COPT_END);
    else
        app.ch = wip_SSLClientCreateOpts("peer.test", 443, app_handler, NULL, WIP_COPT_FINALIZER,
                                         app_finalizer, WIP_COPT_END);
    if (!app.ch) {
        fprintf(stderr, "wip_SSLClientCreateOpts failed\n");
        exit(1);
    }
    /* After creation the option goes to the TCP channel carrying the records. */
    if (b && wip_setOpts(app.ch, WIP_COPT_RCV_BUFSIZE, b, WIP_COPT_END) != 0)
        fprintf(stderr, "wip_setOpts(RCV_BUFSIZE) on the SSL channel failed\n");
}

static wip_channel_t tcp_ch;
static double tcp_t0, tcp_open;

static void tcp_handler(wip_event_t *ev, void *ctx)
{
    (void)ctx;
    if (ev->kind == WIP_CEV_OPEN) {
        tcp_open = now_s();
        wip_close(tcp_ch);
    } else if (ev->kind == WIP_CEV_ERROR) {
        fprintf(stderr, "tcp: error %d\n", (int)ev->content.error.errnum);
        wip_close(tcp_ch);
    }
}

static void tcp_open_fn(void *arg)
{
    (void)arg;
    tcp_t0 = now_s();
    tcp_ch = wip_TCPClientCreateOpts("tcp.test", 7, tcp_handler, NULL, WIP_COPT_FINALIZER,
                                     app_finalizer, WIP_COPT_END);
}

/* Breakdown: TCP connect to OPEN through oatemu, and a blocking connect() on the host. */
static void tcp_connect_ms(double *plain, double *oat)
{
    double *v = malloc(sizeof(double) * (size_t)n_handshakes);
    double *w = malloc(sizeof(double) * (size_t)n_handshakes);
    for (int i = 0; i < n_handshakes; i++) {
        int target = done_count + 1;
        oat_shim_in_task(0, tcp_open_fn, NULL);
        if (!wait_done(target, 60)) {
            fprintf(stderr, "tcp: timed out\n");
            exit(1);
        }
        v[i] = (tcp_open - tcp_t0) * 1e3;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)tcp_listen_port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        double t0 = now_s();
        if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
            perror("connect");
        w[i] = (now_s() - t0) * 1e3;
        close(fd);
    }
    *oat = median(v, n_handshakes);
    *plain = median(w, n_handshakes);
    free(v);
    free(w);
}

static void oatemu_one(bool transfer)
{
    memset(&app, 0, sizeof app);
    app.transfer = transfer;
    server_transfer = transfer;
    int target = done_count + 1;
    oat_shim_in_task(0, app_open, NULL);
    if (!wait_done(target, 600)) {
        fprintf(stderr, "oatemu: timed out (%zu bytes)\n", app.got);
        exit(1);
    }
}

static double oatemu_handshake_ms(void)
{
    double *v = malloc(sizeof(double) * (size_t)n_handshakes);
    for (int i = 0; i < n_handshakes; i++) {
        oatemu_one(false);
        v[i] = (app.t_open - app.t0) * 1e3;
    }
    double m = median(v, n_handshakes);
    free(v);
    return m;
}

static double oatemu_mbps(void)
{
    oatemu_one(true);
    if (app.got != total_bytes || app.errors)
        fprintf(stderr, "oatemu: got %zu of %zu bytes, %d errors\n", app.got, total_bytes,
                app.errors);
    if (getenv("BENCH_VERBOSE"))
        printf("  (oatemu: %llu READ events, %.0f B per READ event)\n",
               (unsigned long long)app.read_events,
               app.read_events ? (double)app.got / app.read_events : 0.0);
    return app.got / 1048576.0 / (app.t_last - app.t_open);
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

static void ssl_init(void *arg)
{
    (void)arg;
    if (wip_SSLInitOpts(WIP_COPT_VERIFY, WIP_SSL_NEVER, WIP_COPT_END) != 0) {
        fprintf(stderr, "wip_SSLInitOpts failed\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && atoi(argv[1]) > 0)
        n_handshakes = atoi(argv[1]);
    if (argc > 2 && atol(argv[2]) > 0)
        total_bytes = (size_t)atol(argv[2]) << 20;

    signal(SIGPIPE, SIG_IGN);
    server_ctx = make_server_ctx();
    client_ctx = SSL_CTX_new(TLS_client_method());
    if (!server_ctx || !client_ctx)
        return 1;
    SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);

    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(listen_fd, (struct sockaddr *)&a, sizeof a);
    listen(listen_fd, 16);
    socklen_t len = sizeof a;
    getsockname(listen_fd, (struct sockaddr *)&a, &len);
    listen_port = ntohs(a.sin_port);
    pthread_t srv, sink;
    pthread_create(&srv, NULL, server_main, NULL);
    tcp_listen_fd = listen_any(&tcp_listen_port);
    pthread_create(&sink, NULL, tcp_sink_main, NULL);

    char map[128];
    snprintf(map, sizeof map, "--host-map=peer.test=127.0.0.1:%d,tcp.test=127.0.0.1:%d",
             listen_port, tcp_listen_port);
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
    oat_shim_in_task(0, ssl_init, NULL);

    /* Interleaved: plain then oatemu; handshakes: the better of 2 medians; transfer: best of 3. */
    double hp = 1e9, ho = 1e9, tp = 0, to = 0;
    for (int r = 0; r < 3; r++) {
        double x, y;
        if (r < 2) {
            x = plain_handshake_ms();
            y = oatemu_handshake_ms();
            hp = x < hp ? x : hp;
            ho = y < ho ? y : ho;
        }
        x = plain_mbps();
        y = oatemu_mbps();
        tp = x > tp ? x : tp;
        to = y > to ? y : to;
    }
    double cp, co;
    tcp_connect_ms(&cp, &co);
    oat_shim_stop();
    shutdown(listen_fd, SHUT_RDWR);
    close(listen_fd);
    pthread_join(srv, NULL);
    shutdown(tcp_listen_fd, SHUT_RDWR);
    close(tcp_listen_fd);
    pthread_join(sink, NULL);

    printf("TLS 1.3 TLS_AES_128_GCM_SHA256 P-256 over 127.0.0.1; %d handshakes (median, best "
           "of 2), %zu MB server->client (best of 3)\n", n_handshakes, total_bytes >> 20);
    printf("handshake  openssl %.3f ms  oatemu %.3f ms  ratio %.2f (goal <= 1.2)\n", hp, ho,
           ho / hp);
    printf("transfer   openssl %.1f MB/s  oatemu %.1f MB/s  ratio %.2f (goal >= 0.8)\n", tp, to,
           to / tp);
    printf("breakdown  TCP connect: host connect() %.3f ms, oatemu create->WIP_CEV_OPEN %.3f ms "
           "(median of %d)\n", cp, co, n_handshakes);
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(client_ctx);
    return 0;
}
