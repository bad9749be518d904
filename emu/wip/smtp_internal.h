/* smtp_internal.h: the pieces of the SMTP client: the reply reader (smtp_reply.c), the
 * message writer (smtp_message.c: header from the data channel's options, CRLF and
 * dot-stuffing of the body) and the protocol engine with its channels (smtp.c). */
#ifndef OAT_SMTP_INTERNAL_H
#define OAT_SMTP_INTERNAL_H

#include "wip/wip_internal.h"

#include <stddef.h>

/* ---- replies: "250-..." lines up to "250 ..." ---- */
#define OAT_SMTP_LINE_MAX 1024
typedef struct {
    char line[OAT_SMTP_LINE_MAX];
    size_t len;
    bool overflow;
    int code;                       /* of the reply being read */
    char text[4096];                /* its lines, '\\n'-separated, codes stripped */
    size_t text_len;
} oat_smtp_reader;

/* Feed bytes; returns how many were used. *complete is set when a whole reply ended (code
 * and text then in r; the caller takes them before feeding more). A malformed line gives
 * code -1. */
size_t oat_smtp_read(oat_smtp_reader *r, const char *bytes, size_t len, bool *complete);
void oat_smtp_reader_reset(oat_smtp_reader *r);

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
 * boundary; crlf_first when the body did not end its line. malloc'd, *len set. */
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
/* The AUTH command of a method; the answer (no CRLF) to its step-th 334 challenge.
 * 0, or -1 when it does not fit or the method has no such step. */
int oat_smtp_auth_first(int method, const char *user, const char *pass, char *cmd, size_t len);
int oat_smtp_auth_answer(int method, int step, const char *challenge, const char *user,
                         const char *pass, char *out, size_t len);

/* Base64 of len bytes into out (4 * ((len + 2) / 3) + 1 bytes). */
void oat_base64(const uint8_t *in, size_t len, char *out);

#endif
