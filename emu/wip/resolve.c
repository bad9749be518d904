/* resolve.c: asynchronous name resolution for channels. Each lookup runs getaddrinfo on
 * its own thread and counts as pending host work (the virtual clock waits for it); the
 * result is handed to the I/O thread. The module stop waits for lookups still running. */
#include "wip/wip_internal.h"
#include "core/loop.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct job {
    char host[256];
    uint16_t port;
    int family;
    oat_resolve_done done;
    void *arg;
    pthread_t thread;
    int err;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    bool handed;            /* the result was queued to the I/O thread, which frees the job */
    struct job *next;
} job;

static pthread_mutex_t jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static job *jobs;
static bool accepting = true;

static void unlist(job *j)
{
    for (job **p = &jobs; *p; p = &(*p)->next)
        if (*p == j) {
            *p = j->next;
            return;
        }
}

static void finish_on_loop(void *arg)
{
    job *j = arg;
    pthread_join(j->thread, NULL);
    pthread_mutex_lock(&jobs_mu);
    unlist(j);
    pthread_mutex_unlock(&jobs_mu);
    j->done(j->arg, j->err, j->err ? NULL : (struct sockaddr *)&j->addr, j->addr_len);
    oat_io_pending_add(-1);
    free(j);
}

/* The port into the address found. */
static void set_port(job *j)
{
    if (j->addr.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&j->addr)->sin6_port = htons(j->port);
    else
        ((struct sockaddr_in *)&j->addr)->sin_port = htons(j->port);
}

static void *lookup(void *arg)
{
    job *j = arg;
    struct addrinfo hints = { .ai_family = j->family, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_ADDRCONFIG };
    struct addrinfo *res = NULL;
    if (getaddrinfo(j->host, NULL, &hints, &res) == 0 && res &&
        res->ai_addrlen <= sizeof j->addr) {
        memcpy(&j->addr, res->ai_addr, res->ai_addrlen);
        j->addr_len = res->ai_addrlen;
        set_port(j);
    } else {
        j->err = WIP_CERR_DNS_FAILURE;
    }
    if (res)
        freeaddrinfo(res);
    pthread_mutex_lock(&jobs_mu);
    if (accepting) {
        j->handed = true;
        oat_loop_call(finish_on_loop, j);
    }
    pthread_mutex_unlock(&jobs_mu);
    return NULL;
}

/* A dotted quad needs no lookup: the answer goes to the I/O thread at once. */
static void numeric_on_loop(void *arg)
{
    job *j = arg;
    j->done(j->arg, 0, (struct sockaddr *)&j->addr, j->addr_len);
    oat_io_pending_add(-1);
    free(j);
}

void oat_resolve(const char *host, uint16_t port, int family, oat_resolve_done done, void *arg)
{
    job *j = calloc(1, sizeof *j);
    if (!j) {
        done(arg, WIP_CERR_MEMORY, NULL, 0);
        return;
    }
    snprintf(j->host, sizeof j->host, "%s", host);
    j->port = port;
    j->family = family;
    j->done = done;
    j->arg = arg;
    oat_io_pending_add(1);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&j->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&j->addr;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        j->addr_len = sizeof *v4;
    } else if (family != AF_INET && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        j->addr_len = sizeof *v6;
    }
    if (j->addr_len) {
        set_port(j);
        oat_loop_call(numeric_on_loop, j);
        return;
    }
    pthread_mutex_lock(&jobs_mu);
    accepting = true;
    j->next = jobs;
    jobs = j;
    if (pthread_create(&j->thread, NULL, lookup, j) != 0) {
        unlist(j);
        pthread_mutex_unlock(&jobs_mu);
        oat_io_pending_add(-1);
        free(j);
        done(arg, WIP_CERR_RESOURCES, NULL, 0);
        return;
    }
    pthread_mutex_unlock(&jobs_mu);
}

void oat_resolve_stop(void)
{
    job *mine = NULL;
    pthread_mutex_lock(&jobs_mu);
    accepting = false;
    for (job **p = &jobs; *p;) {
        job *j = *p;
        if (j->handed) {
            p = &j->next;       /* the I/O thread joins and frees it */
        } else {
            *p = j->next;
            j->next = mine;
            mine = j;
        }
    }
    pthread_mutex_unlock(&jobs_mu);
    while (mine) {
        job *next = mine->next;
        pthread_join(mine->thread, NULL);
        free(mine);
        mine = next;
    }
}
