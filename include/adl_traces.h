/* adl_traces.h: the ADL debug trace service (adl_trcPrint, adl_trcDump, the TRACE/DUMP macros,
 * trace levels and channels). Declarations only; it must not pull in any host header. */
#ifndef ADL_TRACES_H
#define ADL_TRACES_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A trace level is 1..32 in bits 7..0; a channel _OAT01.._OAT32 may be OR-ed in above. */
#define _OAT01 (1u << 8)
#define _OAT02 (2u << 8)
#define _OAT03 (3u << 8)
#define _OAT04 (4u << 8)
#define _OAT05 (5u << 8)
#define _OAT06 (6u << 8)
#define _OAT07 (7u << 8)
#define _OAT08 (8u << 8)
#define _OAT09 (9u << 8)
#define _OAT10 (10u << 8)
#define _OAT11 (11u << 8)
#define _OAT12 (12u << 8)
#define _OAT13 (13u << 8)
#define _OAT14 (14u << 8)
#define _OAT15 (15u << 8)
#define _OAT16 (16u << 8)
#define _OAT17 (17u << 8)
#define _OAT18 (18u << 8)
#define _OAT19 (19u << 8)
#define _OAT20 (20u << 8)
#define _OAT21 (21u << 8)
#define _OAT22 (22u << 8)
#define _OAT23 (23u << 8)
#define _OAT24 (24u << 8)
#define _OAT25 (25u << 8)
#define _OAT26 (26u << 8)
#define _OAT27 (27u << 8)
#define _OAT28 (28u << 8)
#define _OAT29 (29u << 8)
#define _OAT30 (30u << 8)
#define _OAT31 (31u << 8)
#define _OAT32 (32u << 8)

/* Per-element level configuration. name: a trace element (the first 6 characters of a task
 * name, or "OAT01".."OAT32" for a channel). level_mask: bit n-1 set = level n shown. */
typedef struct {
    char name[7];
    u32 level_mask;
} adl_trcCfg_t;

/* printf-like trace; the module truncates the text at 255 bytes and does not support %s.
 * Returns OK (also when the level is not shown), ADL_RET_ERR_PARAM for a bad level or NULL fmt. */
s32 adl_trcPrint(u32 Level, const ascii *fmt, ...);
/* Hexadecimal dump of len bytes of buf. */
void adl_trcDump(u32 Level, u8 *buf, u16 len);

/* The level mask every element without its own configuration uses (bit n-1 = level n). */
u32 adl_trcLevGet(void);
s32 adl_trcLevSet(u32 LevelMask);
/* Give one element its own level mask / read it (GetCfg: fill level_mask for cfg->name). */
s32 adl_trcSetCfg(const adl_trcCfg_t *cfg);
s32 adl_trcGetCfg(adl_trcCfg_t *cfg);

#ifdef __DEBUG_APP__
#define TRACE(_args_) adl_trcPrint _args_
#define DUMP(_lvl_, _ptr_, _len_) adl_trcDump((_lvl_), (u8 *)(_ptr_), (_len_))
#ifdef __DEBUG_FULL__
#define FULL_TRACE(_args_) adl_trcPrint _args_
#define FULL_DUMP(_lvl_, _ptr_, _len_) adl_trcDump((_lvl_), (u8 *)(_ptr_), (_len_))
#else
#define FULL_TRACE(_args_)
#define FULL_DUMP(_lvl_, _ptr_, _len_)
#endif
#else
#define TRACE(_args_)
#define DUMP(_lvl_, _ptr_, _len_)
#define FULL_TRACE(_args_)
#define FULL_DUMP(_lvl_, _ptr_, _len_)
#endif

#ifdef __cplusplus
}
#endif

#endif
