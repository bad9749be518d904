/* ftp_internal.h: the pieces of the FTP client: the session and its protocol engine
 * (ftp.c: login, commands, the steps of a transfer) and the data channel of one transfer
 * (ftp_data.c: the data connection, passive or active, and the bytes with ASCII line ends).
 * Replies are read with the SMTP client's reader in its FTP mode (smtp_reply.c). */
#ifndef OAT_FTP_INTERNAL_H
#define OAT_FTP_INTERNAL_H

#include "wip/smtp_internal.h"

typedef enum {
    FS_GREETING, FS_USER, FS_PASS, FS_ACCT, FS_TYPE, FS_READY,
    FS_XFER_TYPE, FS_PASV, FS_CONNECT, FS_PORT, FS_XFER_CMD, FS_XFER,
    FS_COMMAND, FS_RNFR, FS_QUIT, FS_DEAD
} ftp_state;

/* The control connection is the session channel's inner channel (layer.c). */
typedef struct {
    ftp_state st;
    bool opened;                    /* OPEN told */
    char *user, *password, *account;
    char type;                      /* 'A' or 'I': the session's default */
    char server_type;               /* the type the server is at, 0: not set yet */
    bool passive;
    uint32_t timeout_ms;
    oat_smtp_reader rd;
    int code;                       /* last reply */
    char text[4096];
    char out[1200];                 /* commands the TCP channel has not taken yet */
    size_t out_len;
    oat_chan *data;                 /* the transfer in progress */
    oat_chan_timer timer;           /* the reply awaited */
    char *rename_to;                /* RNTO after RNFR's 350 */
    u32 size;                       /* the last SIZE reply */
    /* the transfer in progress */
    bool preliminary;               /* its 150 (or 125) came */
    int final_code;                 /* its 2xx came before the data ended, 0: not yet */
    bool data_done;                 /* the data channel's side ended */
    int wire_err;                   /* the data connection failed (WIP_CERR_*), 0: no */
} ftp_tp;

typedef struct {
    oat_chan *session;              /* NULL once the transfer ended */
    bool put;                       /* STOR (else RETR or LIST) */
    const char *verb;               /* "RETR", "STOR", "LIST" */
    char *path;
    char type;                      /* 'A' or 'I' for this transfer */
    oat_chan *listener;             /* active mode: the host socket the server connects to */
    bool connected;                 /* the data connection is up */
    bool opened;                    /* the server began: bytes move */
    bool cr_pending;                /* ASCII download: a CR ended the last piece */
    bool prev_cr;                   /* ASCII upload: the last byte sent was a CR */
    bool wire_done;                 /* the data connection's side ended */
    bool ended;                     /* upload: wip_close, the file ends once sent */
    uint8_t tx[2 * 4096];           /* upload: converted bytes not taken by the connection */
    size_t tx_len;
} ftp_data_tp;

/* ftp.c for ftp_data.c */
void oat_ftp_send(oat_chan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The data connection is up (passive) or accepted (active): the transfer command goes. */
void oat_ftp_data_connected(oat_chan *s);
/* The data channel's side ended (download: all bytes in; upload: all sent and the data
 * connection closed): the transfer ends if its final reply came. */
void oat_ftp_data_finished(oat_chan *s);
/* WIP_COPT_TYPE's value ('A', 'I', either case) into *type: 0 or WIP_CERR_OUT_OF_RANGE. */
int oat_ftp_type_opt(unsigned v, char *type);
/* WIP_COPT_FTP_STATUS_CODE of a session: the last reply's code and text. */
int oat_ftp_status_code(oat_chan *s, const oat_optval *v);
/* The transfer ends now: err 0 (done), a reply code or a WIP_CERR_*. */
void oat_ftp_transfer_end(oat_chan *s, int err, const char *why);

/* ftp_data.c */
extern const oat_chan_ops oat_ftp_data_ops;
/* Connect to the server's passive port (host: the control connection's peer); false after
 * a trace. */
bool oat_ftp_data_connect(oat_chan *d, const char *host, uint16_t port, const char *fn);
/* Listen for the server's connection (active mode) at the control connection's local
 * address; false after a trace. *addr and *port: where, for PORT. */
bool oat_ftp_data_listen(oat_chan *d, struct in_addr *addr, uint16_t *port, const char *fn);
/* The server began the transfer and the data connection is up: OPEN (and WRITE). */
void oat_ftp_data_open(oat_chan *d);
/* The transfer ended: the data channel lets go of its connections. */
void oat_ftp_data_detach(oat_chan *d);

#endif
