/* gprs_internal.h: the PDP context model (gprs.c) as the modem's AT+CGDCONT/+CGACT/+CGATT
 * and WIP's GPRS bearer use it: one context table for ADL, the AT user and WIP. Standard C
 * types only; not for applications. */
#ifndef OAT_ADL_GPRS_INTERNAL_H
#define OAT_ADL_GPRS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OAT_GPRS_CID_MAX 4

void oat_gprs_start(void);
void oat_gprs_stop(void);

/* ---- the AT user (modem_gprs.c; AT lock held, never taken by these calls) ---- */

/* 0, or -1 bad cid, -2 the context is active. */
int oat_gprs_define(int cid, const char *apn);
/* A defined context's APN (copied) and state: 0 inactive, 1 active, 2 activating; false
 * when the context is not defined. */
bool oat_gprs_context(int cid, char *apn, size_t size, int *state);
/* Activation asked by the AT user on port: 0 started (the port gets OK or ERROR when it
 * ends, through the AT engine), or an ADL return code. */
int oat_gprs_activate_ext(int cid, int port);
int oat_gprs_deactivate_ext(int cid);
/* GPRS attach (AT+CGATT) and the network registration: events to the subscribers. */
void oat_gprs_set_attached(bool attached);
bool oat_gprs_attached(void);

/* ---- WIP's GPRS bearer (bearer.c, WIP lock held) ---- */

/* The context is already active (ADL or the AT user): the bearer connects at once. */
bool oat_gprs_active(int cid);
/* The bearer connected on cid / left it (dropped: by the network). */
void oat_gprs_wip_up(int cid, const char *apn);
void oat_gprs_wip_down(int cid, bool dropped);
/* The module's address on cid (host order, first octet most significant). */
uint32_t oat_gprs_local_ip(int cid);

/* bearer.c: a context WIP's GPRS bearer uses was deactivated through ADL or AT: the bearer
 * sees WIP_BEV_IP_DISCONNECTED. No lock held by the caller. */
void oat_bearer_gprs_context_lost(int cid);

#endif
