/* adl_wd.h: the application watchdog (rearmed by the application before its period ends,
 * or the module resets). oatemu does not run it yet: calls fail loudly. */
#ifndef ADL_WD_H
#define ADL_WD_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Period in ticks (ADL_TMR_S_TO_TICK). */
s32 adl_wdActiveAppWd(u32 Period);
s32 adl_wdRearmAppWd(void);
s32 adl_wdDeActiveAppWd(void);

#ifdef __cplusplus
}
#endif

#endif
