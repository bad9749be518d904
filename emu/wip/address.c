/* address.c: where a name goes (behaviour §3): 127.x.x.x and "localhost" are the module
 * itself; entries of the host map (--host-map=name[:port]=addr:port,...) redirect a name to
 * the host network; anything else is the host network as named. Also the exposed module
 * ports (--expose=module:host,...) and the dotted-quad helpers wip_inet_aton/_ntoa. */
#include "wip/wip_internal.h"
#include "wip/wip_options.h"
#include "core/calls.h"
#include "core/config.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_module_name(const char *name)
{
    struct in_addr a;
    if (strcasecmp(name, "localhost") == 0 || strcmp(name, "::1") == 0)
        return true;
    return inet_pton(AF_INET, name, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

/* One "name[:port]=addr:port" entry (checked by the configuration); true when it applies to
 * name:port (filling d). */
static bool map_entry(const char *entry, size_t len, const char *name, uint16_t port, oat_dest *d)
{
    oat_host_map_item item;
    if (oat_host_map_entry(entry, len, &item) != 0 || (item.from_port && item.from_port != port) ||
        strcasecmp(item.name, name) != 0)
        return false;
    snprintf(d->host, sizeof d->host, "%s", item.addr);
    d->port = item.to_port;
    return true;
}

void oat_dest_resolve(const char *name, uint16_t port, oat_dest *d)
{
    const char *map = oat_wip_cfg()->host_map;
    d->module = false;
    d->port = port;
    for (const char *p = map; *p;) {
        size_t len = strcspn(p, ",");
        if (map_entry(p, len, name, port, d)) {
            oat_info("host map: %s:%u goes to %s:%u on the host", name, port, d->host, d->port);
            return;
        }
        p += len + (p[len] == ',');
    }
    d->module = is_module_name(name);
    snprintf(d->host, sizeof d->host, "%s", name);
}

int oat_expose_host_port(uint16_t module_port)
{
    for (const char *p = oat_wip_cfg()->expose; *p;) {
        unsigned m, h;
        if (sscanf(p, "%u:%u", &m, &h) == 2 && m == module_port && h <= OAT_PORT_MAX)
            return (int)h;
        p += strcspn(p, ",");
        p += *p == ',';
    }
    return -1;
}

int oat_addr_get_opt(int opt, const struct sockaddr *local, const struct sockaddr *peer,
                     const oat_optval *v)
{
    bool is_peer = opt == WIP_COPT_PEER_PORT || opt == WIP_COPT_PEER_ADDR ||
                   opt == WIP_COPT_PEER_STRADDR;
    const struct sockaddr *a = is_peer ? peer : local;
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)a;
    bool ipv6 = a->sa_family == AF_INET6;
    switch (opt) {
    case WIP_COPT_PORT:
    case WIP_COPT_PEER_PORT:
        *(u16 *)v->ptr = ntohs(ipv6 ? v6->sin6_port : v4->sin_port);
        return 0;
    case WIP_COPT_ADDR:
    case WIP_COPT_PEER_ADDR:
        if (ipv6)
            return WIP_CERR_NOT_SUPPORTED;      /* a wip_in_addr_t holds IPv4 only */
        *(wip_in_addr_t *)v->ptr = v4->sin_addr.s_addr;
        return 0;
    case WIP_COPT_STRADDR:
    case WIP_COPT_PEER_STRADDR:
        return inet_ntop(a->sa_family, ipv6 ? (const void *)&v6->sin6_addr : &v4->sin_addr,
                         v->buf, v->len) ? 0 : WIP_CERR_OUT_OF_RANGE;
    default:
        return WIP_CERR_NOT_SUPPORTED;
    }
}

bool oat_addr_opt(int opt)
{
    return opt == WIP_COPT_PORT || opt == WIP_COPT_ADDR || opt == WIP_COPT_STRADDR ||
           opt == WIP_COPT_PEER_PORT || opt == WIP_COPT_PEER_ADDR || opt == WIP_COPT_PEER_STRADDR;
}

bool wip_inet_aton(const ascii *str, wip_in_addr_t *out)
{
    struct in_addr a;
    bool ok = str && out && inet_pton(AF_INET, str, &a) == 1;
    if (ok)
        *out = a.s_addr;
    else
        oat_warn("wip_inet_aton: \"%s\" is not a dotted-quad IPv4 address", str ? str : "(null)");
    OAT_CALL_RET("wip_inet_aton", ok, NULL, "\"%s\", %p", str ? str : "(null)", (void *)out);
    return ok;
}

bool wip_inet_ntoa(wip_in_addr_t addr, ascii *buf, u16 buflen)
{
    struct in_addr a = { .s_addr = addr };
    bool ok = buf && inet_ntop(AF_INET, &a, buf, buflen) != NULL;
    if (!ok)
        oat_warn("wip_inet_ntoa: %s", buf ? "buffer too small (16 bytes hold any address)"
                                          : "NULL buffer");
    OAT_CALL_RET("wip_inet_ntoa", ok, NULL, "0x%08x, %p, %u", (unsigned)addr, (void *)buf,
                 (unsigned)buflen);
    return ok;
}
