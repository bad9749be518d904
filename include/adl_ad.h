/* adl_ad.h: Application & Data storage: cells written in flash, finalised, read back and
 * installed (download and install). oatemu has no A&D area yet: calls fail loudly. */
#ifndef ADL_AD_H
#define ADL_AD_H

#include "wm_types.h"
#include "adl_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ADL_AD_SIZE_UNDEF 0xFFFFFFFFu            /* a cell whose size is not known yet */

#define ADL_AD_RET_ERR_NOT_AVAILABLE (ADL_RET_ERR_SPECIFIC_BASE)      /* no A&D space */
#define ADL_AD_RET_ERR_OVERFLOW      (ADL_RET_ERR_SPECIFIC_BASE - 1)  /* not enough space */

typedef enum {
    ADL_AD_EVENT_FORMAT_INIT = 0,
    ADL_AD_EVENT_FORMAT_PROGRESS,
    ADL_AD_EVENT_FORMAT_DONE,
    ADL_AD_EVENT_RECOMPACT_INIT,
    ADL_AD_EVENT_RECOMPACT_PROGRESS,
    ADL_AD_EVENT_RECOMPACT_DONE,
    ADL_AD_EVENT_INSTALL
} adl_adEvent_e;

typedef void (*adl_adEventHdlr_f)(adl_adEvent_e Event, u32 Progress);

typedef struct {
    u32 identifier;
    u32 size;
    void *data;          /* the cell's bytes in flash */
    u32 remaining;
    bool finalised;
} adl_adInfo_t;

s32 adl_adSubscribe(u32 CellId, u32 Size);
s32 adl_adUnsubscribe(s32 Handle);
s32 adl_adEventSubscribe(adl_adEventHdlr_f Handler);
s32 adl_adEventUnsubscribe(s32 EventHandle);
s32 adl_adWrite(s32 Handle, u32 Size, void *Data);
s32 adl_adInfo(s32 Handle, adl_adInfo_t *Info);
s32 adl_adFinalise(s32 Handle);
s32 adl_adDelete(s32 Handle);
s32 adl_adInstall(s32 Handle);
s32 adl_adRecompact(s32 EventHandle);
s32 adl_adFormat(s32 EventHandle);

#ifdef __cplusplus
}
#endif

#endif
