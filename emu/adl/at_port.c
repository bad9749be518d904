/* at_port.c: the host side of UART1 (behaviour §7): stdin/stdout, a pty, a TCP port on
 * 127.0.0.1, or memory ("none", for tests). Runs on the I/O thread: it reads bytes and hands
 * them to the AT engine, and writes buffered output without ever blocking for long. */
#include "adl/at_internal.h"
#include "adl/services.h"
#include "core/log.h"
#include "core/config.h"
#include "core/loop.h"

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
#include <termios.h>
#include <unistd.h>

#define TERM_CHUNK 4096              /* at most PIPE_BUF per write once POLLOUT was seen */
#define TERM_OUT_MAX (64 * 1024)     /* output kept for a terminal that does not read */
#define TERM_CLOSE_WAIT_MS 5000      /* at stop: how long a terminal may take nothing */

typedef enum { TERM_NONE, TERM_STDIO, TERM_PTY, TERM_TCP } term_kind;

static pthread_mutex_t term_mu = PTHREAD_MUTEX_INITIALIZER;
static term_kind term_type;
static bool term_open;
static int term_in = -1, term_out = -1;   /* same fd for pty and tcp */
static int term_slave = -1;               /* pty: held open so the master never hangs up */
static int term_listen = -1;
static char *term_buf;                    /* output not written yet ("none": not taken yet) */
static size_t term_len, term_cap;
static bool term_pollout;
static bool term_drop_warned;

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static bool append_locked(const char *data, size_t len)
{
    if (term_len + len > term_cap) {
        size_t cap = term_cap ? term_cap : 1024;
        while (cap < term_len + len)
            cap *= 2;
        char *grown = realloc(term_buf, cap);
        if (!grown)
            return false;
        term_buf = grown;
        term_cap = cap;
    }
    memcpy(term_buf + term_len, data, len);
    term_len += len;
    return true;
}

/* Watch the output descriptor for POLLOUT exactly while output waits. */
static void arm_output_locked(void)
{
    bool want = term_len > 0 && term_out >= 0;
    if (want == term_pollout || term_out < 0)
        return;
    term_pollout = want;
    short in = term_out == term_in ? POLLIN : 0;
    oat_io_set_events(term_out, (short)(in | (want ? POLLOUT : 0)));
}

/* Write what the descriptor takes now. Returns true when everything is written. */
static bool flush_locked(void)
{
    while (term_len > 0 && term_out >= 0) {
        size_t n = term_len < TERM_CHUNK ? term_len : TERM_CHUNK;
        /* A client that left must not raise SIGPIPE in the emulator. */
        ssize_t w = term_type == TERM_TCP ? send(term_out, term_buf, n, MSG_NOSIGNAL)
                                          : write(term_out, term_buf, n);
        if (w > 0) {
            memmove(term_buf, term_buf + w, term_len - (size_t)w);
            term_len -= (size_t)w;
            if (term_type == TERM_STDIO)
                break;   /* a blocking stdout: one chunk per POLLOUT */
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            oat_warn("AT port: writing to the terminal failed (%s); output dropped",
                     w < 0 ? strerror(errno) : "nothing written");
            term_len = 0;
        }
    }
    arm_output_locked();
    return term_len == 0;
}

static void output_ready(void)
{
    pthread_mutex_lock(&term_mu);
    bool drained = flush_locked();
    pthread_mutex_unlock(&term_mu);
    if (drained)
        oat_at_output_drained();
}

void oat_term_write(const char *data, size_t len)
{
    pthread_mutex_lock(&term_mu);
    if (term_open && !(term_type == TERM_TCP && term_out < 0)) {
        if (term_type != TERM_NONE && term_len + len > TERM_OUT_MAX) {
            if (!term_drop_warned)
                oat_warn("AT port: the terminal does not read; output beyond %d bytes is "
                         "dropped", TERM_OUT_MAX);
            term_drop_warned = true;
        } else if (!append_locked(data, len)) {
            oat_warn("AT port: out of host memory, %zu bytes of output lost", len);
        } else {
            arm_output_locked();
        }
    }
    pthread_mutex_unlock(&term_mu);
}

bool oat_term_drained(void)
{
    pthread_mutex_lock(&term_mu);
    bool drained = term_type == TERM_NONE || term_len == 0;
    pthread_mutex_unlock(&term_mu);
    return drained;
}

char *oat_term_take_output(void)
{
    pthread_mutex_lock(&term_mu);
    char *out = NULL;
    if (term_type == TERM_NONE && term_len > 0) {
        out = malloc(term_len + 1);
        if (out) {
            memcpy(out, term_buf, term_len);
            out[term_len] = '\0';
            term_len = 0;
        }
    }
    pthread_mutex_unlock(&term_mu);
    return out ? out : strdup("");
}

bool oat_term_echo_default(void)
{
    pthread_mutex_lock(&term_mu);
    bool echo = term_type == TERM_PTY || term_type == TERM_TCP;
    pthread_mutex_unlock(&term_mu);
    return echo;
}

/* ---- I/O thread callbacks ---- */

/* Read what the terminal typed. Returns false at end of input or on an error. */
static bool read_input(int fd)
{
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
        oat_at_feed(buf, (size_t)n);
        return true;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
}

static void stdin_ready(int fd, short revents, void *arg)
{
    (void)arg;
    if (!(revents & (POLLIN | POLLHUP | POLLERR)) || read_input(fd))
        return;
    oat_io_del(fd);
    oat_at_input_ended();
}

static void stdout_ready(int fd, short revents, void *arg)
{
    (void)fd;
    (void)arg;
    if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
        pthread_mutex_lock(&term_mu);
        oat_warn("AT port: stdout is closed; output dropped");
        term_out = -1;
        term_len = 0;
        pthread_mutex_unlock(&term_mu);
        oat_io_del(1);
        oat_at_output_drained();
        return;
    }
    if (revents & POLLOUT)
        output_ready();
}

static void pty_ready(int fd, short revents, void *arg)
{
    (void)arg;
    if (revents & POLLIN)
        read_input(fd);
    if (revents & POLLOUT)
        output_ready();
}

static void tcp_accept(int fd, short revents, void *arg);

static void tcp_client_gone(int fd)
{
    oat_io_del(fd);
    close(fd);
    pthread_mutex_lock(&term_mu);
    term_in = term_out = -1;
    term_pollout = false;
    term_len = 0;
    int lfd = term_listen;
    pthread_mutex_unlock(&term_mu);
    oat_info("AT port: TCP client left");
    if (lfd >= 0)
        oat_io_set_events(lfd, POLLIN);
    oat_at_output_drained();
}

static void tcp_client_ready(int fd, short revents, void *arg)
{
    (void)arg;
    if ((revents & POLLIN) && !read_input(fd)) {
        tcp_client_gone(fd);
        return;
    }
    if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
        tcp_client_gone(fd);
        return;
    }
    if (revents & POLLOUT)
        output_ready();
}

/* One client at a time: the listening socket is not watched while a client is connected. */
static void tcp_accept(int fd, short revents, void *arg)
{
    (void)arg;
    if (!(revents & POLLIN))
        return;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c < 0)
        return;
    pthread_mutex_lock(&term_mu);
    term_in = term_out = c;
    term_pollout = false;
    pthread_mutex_unlock(&term_mu);
    oat_io_set_events(fd, 0);
    if (oat_io_add(c, POLLIN, tcp_client_ready, NULL) != 0) {
        oat_warn("AT port: cannot watch the TCP client");
        tcp_client_gone(c);
        return;
    }
    oat_info("AT port: TCP client connected");
}

/* ---- opening and closing ---- */

static int open_stdio(void)
{
    if (oat_io_add(0, POLLIN, stdin_ready, NULL) != 0 || oat_io_add(1, 0, stdout_ready, NULL) != 0) {
        oat_io_del(0);
        return -1;
    }
    term_in = 0;
    term_out = 1;
    return 0;
}

static int open_pty(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0) {
        oat_warn("AT port: posix_openpt failed (%s)", strerror(errno));
        return -1;
    }
    char path[128];
    struct termios tio;
    int s = -1;
    if (grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, path, sizeof path) != 0 ||
        (s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 || tcgetattr(s, &tio) != 0) {
        oat_warn("AT port: cannot set up the pty (%s)", strerror(errno));
        if (s >= 0)
            close(s);
        close(m);
        return -1;
    }
    /* Raw, as a modem's serial line: no echo or CR/LF rewriting by the host's line discipline. */
    cfmakeraw(&tio);
    tcsetattr(s, TCSANOW, &tio);
    if (set_nonblock(m) != 0 || oat_io_add(m, POLLIN, pty_ready, NULL) != 0) {
        close(s);
        close(m);
        return -1;
    }
    term_in = term_out = m;
    term_slave = s;
    oat_info("AT port on %s: picocom %s", path, path);
    return 0;
}

static int open_tcp(const char *port_text)
{
    char *end;
    long port = strtol(port_text, &end, 10);
    if (*end || end == port_text || port < 0 || port > (long)OAT_PORT_MAX) {
        oat_warn("AT port: '%s' is not a TCP port number", port_text);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0 ||
        oat_io_add(fd, POLLIN, tcp_accept, NULL) != 0) {
        oat_warn("AT port: cannot listen on 127.0.0.1:%ld (%s)", port, strerror(errno));
        close(fd);
        return -1;
    }
    term_listen = fd;
    oat_info("AT port on tcp 127.0.0.1:%u: telnet 127.0.0.1 %u", (unsigned)ntohs(a.sin_port),
             (unsigned)ntohs(a.sin_port));
    return 0;
}

int oat_term_open(const char *spec)
{
    pthread_mutex_lock(&term_mu);
    term_in = term_out = term_slave = term_listen = -1;
    term_len = 0;
    term_pollout = false;
    term_drop_warned = false;
    int rc = 0;
    if (strcmp(spec, "none") == 0) {
        term_type = TERM_NONE;
    } else if (strcmp(spec, "stdio") == 0) {
        term_type = TERM_STDIO;
        rc = open_stdio();
    } else if (strcmp(spec, "pty") == 0) {
        term_type = TERM_PTY;
        rc = open_pty();
    } else if (strncmp(spec, "tcp:", 4) == 0) {
        term_type = TERM_TCP;
        rc = open_tcp(spec + 4);
    } else {
        oat_warn("AT port: '%s' is not stdio, pty, tcp:<port> or none", spec);
        rc = -1;
    }
    term_open = rc == 0;
    pthread_mutex_unlock(&term_mu);
    return rc;
}

/* At stop, the output still buffered is written before the terminal goes (whatever stops the
 * module): the application handed it over. Only a terminal that takes nothing for
 * TERM_CLOSE_WAIT_MS loses the rest, with a trace. The I/O thread no longer watches fd. */
static void drain_at_close_locked(int fd, term_kind kind)
{
    while (term_len > 0) {
        struct pollfd pfd = { fd, POLLOUT, 0 };
        int r = poll(&pfd, 1, TERM_CLOSE_WAIT_MS);
        if (r < 0 && errno == EINTR)
            continue;
        ssize_t w = -1;
        if (r > 0 && !(pfd.revents & (POLLERR | POLLHUP | POLLNVAL))) {
            size_t n = term_len < TERM_CHUNK ? term_len : TERM_CHUNK;
            w = kind == TERM_TCP ? send(fd, term_buf, n, MSG_NOSIGNAL) : write(fd, term_buf, n);
        }
        if (w > 0) {
            memmove(term_buf, term_buf + w, term_len - (size_t)w);
            term_len -= (size_t)w;
        } else if (!(w < 0 && r > 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))) {
            oat_warn("AT port: at stop the terminal %s; %zu bytes of output lost",
                     r == 0 ? "took nothing for 5 s" : "is closed", term_len);
            term_len = 0;
        }
    }
}

void oat_term_close(void)
{
    pthread_mutex_lock(&term_mu);
    term_kind kind = term_type;
    int in = term_in, out = term_out, slave = term_slave, lfd = term_listen;
    term_open = false;
    term_in = term_out = term_slave = term_listen = -1;
    pthread_mutex_unlock(&term_mu);
    if (in >= 0)
        oat_io_del(in);
    if (out >= 0 && out != in)
        oat_io_del(out);
    if (lfd >= 0) {
        oat_io_del(lfd);
        close(lfd);
    }
    pthread_mutex_lock(&term_mu);
    if (out >= 0)
        drain_at_close_locked(out, kind);
    pthread_mutex_unlock(&term_mu);
    if (kind != TERM_STDIO && in >= 0)
        close(in);
    if (slave >= 0)
        close(slave);
    pthread_mutex_lock(&term_mu);
    free(term_buf);
    term_buf = NULL;
    term_len = term_cap = 0;
    term_type = TERM_NONE;
    pthread_mutex_unlock(&term_mu);
}
