/* http_get.h: shared declarations of the http_get sample: AT+HTTPGET="<url>" fetches the
 * URL with the Internet library's HTTP client (the GPRS bearer started on first use) and
 * prints "+HTTPGET: <status>,<length>" (or "+HTTPGET: ERROR,<errnum>"). */
#ifndef HTTP_GET_H
#define HTTP_GET_H

#include "adl_global.h"
#include "wip.h"

#ifndef HTTPG_APN
#define HTTPG_APN "internet"
#endif
#define HTTPG_URL_MAX 256

void httpg_Task(void);
/* AT+HTTPGET's port and URL; httpg_Fetch starts it (the bearer first, when needed). */
extern u8 httpg_Port;
extern ascii httpg_Url[HTTPG_URL_MAX];
extern bool httpg_Busy;
void httpg_Fetch(void);

#endif
