/* errnames.c: the WIP error families, one X-macro list each giving name and message to the
 * call log and traces, and the one map from host errno values to WIP_CERR_*. The values stay
 * in the public headers (their ranges: docs/decisions.md). */
#include "wip_bearer.h"
#include "wip_channel.h"
#include "wip_ftp.h"
#include "wip_http.h"
#include "wip_pop3.h"
#include "wip_smtp.h"
#include "wip_ssl.h"

#include "wip/wip_errors.h"

#include <errno.h>

#define OAT_WIP_CERR_ERRORS(X)                                                                 \
    X(WIP_CERR_ABORTED, "the channel was aborted")                                             \
    X(WIP_CERR_CSTATE, "not allowed in this channel state")                                    \
    X(WIP_CERR_NOT_SUPPORTED, "not supported by this channel")                                 \
    X(WIP_CERR_OUT_OF_RANGE, "value out of range")                                             \
    X(WIP_CERR_MEMORY, "out of memory")                                                        \
    X(WIP_CERR_INTERNAL, "internal error")                                                     \
    X(WIP_CERR_INVALID, "invalid option or value")                                             \
    X(WIP_CERR_DNS_FAILURE, "the name did not resolve")                                        \
    X(WIP_CERR_RESOURCES, "out of sockets or buffers")                                         \
    X(WIP_CERR_PORT_IN_USE, "the port is in use")                                              \
    X(WIP_CERR_REFUSED, "the peer refused the connection")                                     \
    X(WIP_CERR_HOST_UNREACHABLE, "the host is unreachable")                                    \
    X(WIP_CERR_NETWORK_UNREACHABLE, "the network is unreachable")                              \
    X(WIP_CERR_PIPE_BROKEN, "the connection broke")                                            \
    X(WIP_CERR_TIMEOUT, "timed out")

#define OAT_WIP_BERR_ERRORS(X)                                                                 \
    X(WIP_BERR_OK_INPROGRESS, "started; an event tells the outcome")                           \
    X(WIP_BERR_NO_DEV, "no such bearer")                                                       \
    X(WIP_BERR_ALREADY, "the bearer is already open or started")                               \
    X(WIP_BERR_NO_IF, "no network interface")                                                  \
    X(WIP_BERR_NO_HDL, "no free handle")                                                       \
    X(WIP_BERR_BAD_HDL, "not an open bearer")                                                  \
    X(WIP_BERR_OPTION, "unknown option, or not one of this bearer")                            \
    X(WIP_BERR_PARAM, "bad option value")                                                      \
    X(WIP_BERR_BAD_STATE, "not allowed in the bearer's state")                                 \
    X(WIP_BERR_DEV, "the device failed")                                                       \
    X(WIP_BERR_LINE_BUSY, "the line is busy")                                                  \
    X(WIP_BERR_NO_ANSWER, "no answer")                                                         \
    X(WIP_BERR_NO_CARRIER, "no carrier")                                                       \
    X(WIP_BERR_NO_SIM, "no SIM card")                                                          \
    X(WIP_BERR_PIN_NOT_READY, "the SIM's PIN is not entered")                                  \
    X(WIP_BERR_GPRS_FAILED, "the GPRS activation failed")                                      \
    X(WIP_BERR_PPP_LCP_FAILED, "the PPP link negotiation failed")                              \
    X(WIP_BERR_PPP_AUTH_FAILED, "the PPP authentication failed")                               \
    X(WIP_BERR_PPP_IPCP_FAILED, "the PPP address negotiation failed")                          \
    X(WIP_BERR_PPP_LINK_FAILED, "the PPP link failed")                                         \
    X(WIP_BERR_PPP_TERM_REQ, "the peer ended the PPP link")                                    \
    X(WIP_BERR_CALL_REFUSED, "the call was refused")

#define OAT_WIP_SSL_ERRORS(X)                                                                  \
    X(WIP_SSL_ERR_CERTIFICATE, "the peer's certificate did not verify")                        \
    X(WIP_SSL_ERR_HANDSHAKE, "the TLS handshake failed")                                       \
    X(WIP_SSL_ERR_PROTOCOL, "a broken record or alert on an open TLS session")

#define OAT_WIP_SMTP_ERRORS(X)                                                                 \
    X(WIP_SMTP_ERR_PROTOCOL, "a reply that is not SMTP")                                       \
    X(WIP_SMTP_ERR_AUTH, "no AUTH method asked for is offered, or the credentials are too long") \
    X(WIP_SMTP_ERR_TLS, "TLS required and not offered, or TLS failed")                         \
    X(WIP_SMTP_ERR_CLEAR, "the credentials would go without TLS")                              \
    X(WIP_SMTP_ERR_SIZE, "the mail is over the server's SIZE limit")                           \
    X(WIP_SMTP_ERR_UTF8, "UTF-8 addresses and the server has no SMTPUTF8")

#define OAT_WIP_HTTP_ERRORS(X)                                                                 \
    X(WIP_HTTP_ERR_PROTOCOL, "a response that is not HTTP")                                    \
    X(WIP_HTTP_ERR_REDIRECTS, "more redirects than WIP_HTTP_REDIRECTS_MAX")                    \
    X(WIP_HTTP_ERR_LENGTH, "the body written is not the Content-Length declared")

#define OAT_WIP_FTP_ERRORS(X)                                                                  \
    X(WIP_FTP_ERR_PROTOCOL, "a reply that is not FTP, or a PASV reply without a port")

#define OAT_WIP_POP3_ERRORS(X)                                                                 \
    X(WIP_POP3_ERR_REFUSED, "the server answered -ERR")                                        \
    X(WIP_POP3_ERR_PROTOCOL, "a reply that is neither +OK nor -ERR")

OAT_ERR_TABLE(oat_wip_cerr_errors, "WIP_CERR", OAT_WIP_CERR_ERRORS, NULL);
OAT_ERR_TABLE(oat_wip_berr_errors, "WIP_BERR", OAT_WIP_BERR_ERRORS, NULL);
OAT_ERR_TABLE(oat_wip_ssl_errors, "WIP_SSL_ERR", OAT_WIP_SSL_ERRORS, &oat_wip_cerr_errors);
OAT_ERR_TABLE(oat_wip_smtp_errors, "WIP_SMTP_ERR", OAT_WIP_SMTP_ERRORS, &oat_wip_cerr_errors);
OAT_ERR_TABLE(oat_wip_http_errors, "WIP_HTTP_ERR", OAT_WIP_HTTP_ERRORS, &oat_wip_cerr_errors);
OAT_ERR_TABLE(oat_wip_ftp_errors, "WIP_FTP_ERR", OAT_WIP_FTP_ERRORS, &oat_wip_cerr_errors);
OAT_ERR_TABLE(oat_wip_pop3_errors, "WIP_POP3_ERR", OAT_WIP_POP3_ERRORS, &oat_wip_cerr_errors);

const oat_err_table *const oat_wip_err_tables[] = {
    &oat_wip_cerr_errors, &oat_wip_berr_errors, &oat_wip_ssl_errors, &oat_wip_smtp_errors,
    &oat_wip_http_errors, &oat_wip_ftp_errors, &oat_wip_pop3_errors, NULL,
};

const char *oat_cerr_name(int err)
{
    const char *name = oat_err_name(&oat_wip_cerr_errors, err);
    if (name)
        return name;
    return err == 0 ? "OK" : "error";
}

const char *oat_berr_name(long long code)
{
    return oat_err_name(&oat_wip_berr_errors, code);
}

int oat_errno_to_cerr(int e)
{
    switch (e) {
    case ECONNREFUSED: return WIP_CERR_REFUSED;
    case EHOSTUNREACH: case EHOSTDOWN: return WIP_CERR_HOST_UNREACHABLE;
    case ENETUNREACH: case ENETDOWN: return WIP_CERR_NETWORK_UNREACHABLE;
    case ETIMEDOUT: return WIP_CERR_TIMEOUT;
    case ECONNRESET: case EPIPE: case ECONNABORTED: return WIP_CERR_PIPE_BROKEN;
    case ENOMEM: case ENOBUFS: return WIP_CERR_MEMORY;
    case EAGAIN: case EMFILE: case ENFILE: return WIP_CERR_RESOURCES;
    case EMSGSIZE: return WIP_CERR_OUT_OF_RANGE;
    default: return WIP_CERR_INTERNAL;
    }
}
