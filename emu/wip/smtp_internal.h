/* smtp_internal.h: the pieces of the SMTP client: the reply reader (smtp_reply.c), the
 * message writer (smtp_message.c: header from the data channel's options, CRLF and
 * dot-stuffing of the body) and the protocol engine with its channels (smtp.c). */
#ifndef OAT_SMTP_INTERNAL_H
#define OAT_SMTP_INTERNAL_H

#include "wip/wip_internal.h"

#include <stddef.h>
#include <stdint.h>

/* ---- replies: "250-..." lines up to "250 ..." ---- */
#define OAT_SMTP_LINE_MAX 1024
/* Message bytes move in pieces of at most this much input; encoded, a piece may double (a
 * lone LF becomes CRLF, base64 and dot-stuffing grow it), plus a little framing. */
#define OAT_SMTP_CHUNK 8192

typedef struct {
    char line[OAT_SMTP_LINE_MAX];
    size_t len;
    int code;                       /* of the reply being read */
    char text[4096];                /* its lines, '\\n'-separated, codes stripped */
    size_t text_len;
    bool ftp;                       /* RFC 959 replies: 1xx preliminary codes, and lines of
                                       any text inside a multi-line reply */
} oat_smtp_reader;

/* Feed bytes (SMTP replies, or FTP's with r->ftp set after each reset); returns how many
 * were used. *complete is set when a whole reply ended (code and text then in r; the caller
 * takes them before feeding more). A malformed line, a line over OAT_SMTP_LINE_MAX or lines
 * of one reply with different codes give code -1 (FTP: inner lines may be any text). */
size_t oat_smtp_read(oat_smtp_reader *r, const char *bytes, size_t len, bool *complete);
void oat_smtp_reader_reset(oat_smtp_reader *r);

/* What an EHLO reply's text (its lines, '\n'-separated) offers. */
typedef struct {
    bool starttls, pipelining, eightbit, utf8, chunking, dsn;
    unsigned auth;                  /* OAT_AUTH_* */
    uint32_t size;                  /* 0: not offered; UINT32_MAX: offered, no limit */
} oat_smtp_caps;
void oat_smtp_capabilities(const char *text, oat_smtp_caps *caps);

/* ---- the message ---- */
typedef struct {
    bool line_start;                /* the next body byte begins a line */
    bool skip_lf;                   /* a CR was turned into CRLF: drop the LF after it */
    bool no_stuffing;               /* BDAT: line ends only, no dot-stuffing */
    bool base64;                    /* a streamed attachment: base64 in 76-character lines */
    uint8_t carry[3];               /* base64: bytes waiting for a full group */
    int ncarry, col;
} oat_smtp_body;

/* Turn body bytes into wire form (CRLF line ends, leading '.' doubled; or base64 lines).
 * out must hold 2 * len + 8 bytes; returns the bytes written to out. */
size_t oat_smtp_body_encode(oat_smtp_body *b, const uint8_t *in, size_t len, uint8_t *out);
/* The end of a base64 part: the last group, padded, and the line end. out: 8 bytes. */
size_t oat_smtp_base64_finish(oat_smtp_body *b, uint8_t *out);
/* The MIME boundary of a mail, and the header of an attachment part (with its boundary
 * line); returns the length written. */
void oat_smtp_boundary(unsigned serial, long long rtc, char *out, size_t len);
size_t oat_smtp_part_header(const char *boundary, const char *name, const char *type,
                            char *out, size_t len);
/* The bytes that header takes, with its NUL. */
size_t oat_smtp_part_header_size(const char *boundary, const char *name, const char *type);
/* An attachment's name and type are at most this long (longer: WIP_CERR_OUT_OF_RANGE):
 * a name and a type fill one header line each, within RFC 5322's 998 characters. */
#define OAT_SMTP_ATTACH_NAME_MAX 255
#define OAT_SMTP_ATTACH_TYPE_MAX 127
/* The end of data: CRLF if the body did not end a line, then ".CRLF". out: 5 bytes. */
size_t oat_smtp_body_end(const oat_smtp_body *b, uint8_t *out);

typedef struct {
    const char *sender, *sender_name, *to, *cc, *subject, *reply_to, *ehlo;
    long long rtc;                  /* seconds since 1970 for the Date header */
    unsigned serial;                /* for the Message-ID and the MIME boundary */
    bool multipart;                 /* attachments follow the body */
} oat_smtp_header_fields;
/* The header block (ending with the blank line; with multipart, also the first part's
 * header), malloc'd; NULL without memory. */
char *oat_smtp_header(const oat_smtp_header_fields *f);

/* Attachments (memory copies) and the MIME trailer that carries them after the body. */
typedef struct oat_smtp_attachment {
    char *name, *type;
    uint8_t *bytes;
    size_t len;
    struct oat_smtp_attachment *next;
} oat_smtp_attachment;
/* The parts after the body: each attachment base64 in 76-character lines, then the closing
 * boundary; crlf_first after a text part: the delimiter's own CRLF (RFC 2046), so the text
 * keeps its last line end. malloc'd, *len set. */
char *oat_smtp_trailer(const oat_smtp_attachment *a, unsigned serial, long long rtc,
                       bool crlf_first, size_t *len);

/* Addresses of a comma-separated list ("<a@b>,c@d"), each without its angle brackets, in a
 * malloc'd NULL-terminated array; *count set. NULL when a name is empty or too long. */
char **oat_smtp_addresses(const char *list, int *count);
void oat_smtp_addresses_free(char **a);

/* ---- AUTH (smtp_auth.c) ---- */
enum { OAT_AUTH_PLAIN = 1, OAT_AUTH_LOGIN = 2, OAT_AUTH_CRAM = 4, OAT_AUTH_XOAUTH2 = 8,
       OAT_AUTH_ANONYMOUS = 16 };
/* The methods of an EHLO "AUTH ..." line, as OAT_AUTH_* bits. */
unsigned oat_smtp_auth_offered(const char *methods);
/* The WIP_SMTP_AUTH_* method to run for what was asked, or -1 when the server offers none
 * that fits (the module's CLEAR and MIME64 are sent whatever is offered). */
int oat_smtp_auth_method(int asked, unsigned offered);
/* The AUTH command of a method: 0, or -1 when it does not fit. The answer (no CRLF) to its
 * step-th 334 challenge: 0, or OAT_AUTH_NO_STEP (the method has no such step),
 * OAT_AUTH_BAD_CHALLENGE (not base64, or too long), OAT_AUTH_TOO_LONG (the answer does not
 * fit: the user name or password is too long). */
enum { OAT_AUTH_NO_STEP = -1, OAT_AUTH_BAD_CHALLENGE = -2, OAT_AUTH_TOO_LONG = -3 };
int oat_smtp_auth_first(int method, const char *user, const char *pass, char *cmd, size_t len);
int oat_smtp_auth_answer(int method, int step, const char *challenge, const char *user,
                         const char *pass, char *out, size_t len);

/* ---- the session and its mail (smtp.c, smtp_data.c) ---- */
struct oat_task_alarm;
struct timeout_ev;
typedef enum {
    ST_GREETING, ST_EHLO, ST_HELO, ST_STARTTLS, ST_TLS_WAIT, ST_AUTH, ST_READY,
    ST_MAIL, ST_RCPT, ST_DATA, ST_BODY, ST_BDAT, ST_END, ST_OPERATION, ST_QUIT, ST_DEAD
} smtp_state;

/* The connection to the server (TCP, or SSL after STARTTLS or for SMTPS) is the session
 * channel's inner channel (layer.c). */
typedef struct {
    smtp_state st;
    bool opened;                    /* OPEN told */
    char *user, *password;
    int auth;                       /* as asked (WIP_SMTP_AUTH_*) */
    int method, auth_step;          /* the method running, its 334 count */
    char ehlo[128];
    char server[256];               /* the name TLS checks */
    uint32_t timeout_ms;
    int security;                   /* WIP_SMTP_SEC_* */
    bool clear_auth, use_pipelining, use_chunking;
    bool tls;                       /* the session is encrypted */
    oat_smtp_caps caps;             /* what the last EHLO offered */
    bool pipelined;                 /* MAIL, RCPT (and DATA) went in one write */
    int replies_due;                /* pipelined replies still to come */
    bool bdat;                      /* the body goes in BDAT chunks */
    uint8_t tx[2 * OAT_SMTP_CHUNK + 16];   /* message bytes (or a BDAT chunk) not yet taken */
    size_t tx_len;
    oat_smtp_reader rd;
    int code;                       /* last reply */
    char text[4096];
    char out[2048];                 /* commands the TCP channel has not taken yet */
    size_t out_len;
    bool grouping;                  /* pipelined commands: one write for the group */
    oat_chan *data;                 /* the mail in progress */
    char **rcpt;
    int nrcpt, rcpt_i;
    oat_smtp_body body;
    char *header;                   /* still to send before the body */
    size_t header_off;
    char *trailer;                  /* MIME parts after the body (attachments) */
    size_t trailer_len, trailer_off;
    long long mime_rtc;             /* the boundary's time stamp */
    uint64_t consumed;              /* body bytes taken from the data channel */
    int part_i;                     /* the streamed attachment being sent, -1: the text */
    bool pump_posted;               /* a pump after the current handler is queued */
    struct oat_task_alarm *timer;
    struct timeout_ev *timer_ev;
    unsigned timer_gen;
    int wait_token;
} smtp_tp;

typedef struct {
    oat_chan *session;
    char *sender, *sender_name, *to, *cc, *bcc, *subject, *reply_to;
    char *notify, *ret, *envid;
    oat_smtp_attachment *attachments;
    bool multipart;
    struct {                        /* streamed attachments: where each begins in the body */
        uint64_t start;
        char *name, *type;
    } parts[16];
    int nparts;
    uint32_t size;                  /* declared, 0 = not declared */
    bool format_header;
    bool ended;                     /* wip_close: end DATA once the body is out */
} data_tp;

/* smtp.c for smtp_data.c: write to the connection (TCP takes what fits, SSL all or -1),
 * arm the reply timeout, move what can move, copy an option string, the status code. */
int oat_smtp_conn_write(oat_chan *s, const void *buf, size_t len);
void oat_smtp_start_timer(oat_chan *s, smtp_tp *t);
void oat_smtp_pump(oat_chan *s);
int oat_smtp_set_string(char **field, const char *v);
int oat_smtp_status_code(smtp_tp *t, const oat_optval *v);
/* smtp_data.c: the message after DATA (stream) or in BDAT chunks, and the data channel. */
void oat_smtp_pump_data(oat_chan *s, smtp_tp *t, oat_chan *d);
void oat_smtp_pump_bdat(oat_chan *s, smtp_tp *t, oat_chan *d);
extern const oat_chan_ops oat_smtp_data_ops;

#endif
