/* adl_extint.h: the external interrupt service (pins that call IRQ handlers on an edge or a
 * level). oatemu has no interrupt pins yet: every call fails loudly. */
#ifndef ADL_EXTINT_H
#define ADL_EXTINT_H

#include "wm_types.h"
#include "adl_irq.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    u32 NbExternalInterrupt;
    bool RisingEdgeSensitivity;
    bool FallingEdgeSensitivity;
    bool BothEdgeSensitivity;
    bool LowLevelSensitivity;
    bool HighLevelSensitivity;
    bool BypassMode;
    bool StretchingMode;
    bool DebounceMode;
    u32 MaxDebounceDuration;   /* ms */
    u32 DebounceNbStep;
} adl_extintCapabilities_t;

typedef enum {
    ADL_EXTINT_SENSITIVITY_RISING_EDGE = 0,
    ADL_EXTINT_SENSITIVITY_FALLING_EDGE,
    ADL_EXTINT_SENSITIVITY_BOTH_EDGE,
    ADL_EXTINT_SENSITIVITY_LOW_LEVEL,
    ADL_EXTINT_SENSITIVITY_HIGH_LEVEL
} adl_extintSensitivity_e;

typedef enum {
    ADL_EXTINT_FILTER_BYPASS_MODE = 0,
    ADL_EXTINT_FILTER_STRETCHING_MODE,
    ADL_EXTINT_FILTER_DEBOUNCE_MODE
} adl_extintFilter_e;

/* Initialised positionally by applications: { sensitivity, filter, duration, steps, NULL }. */
typedef struct {
    adl_extintSensitivity_e Sensitivity;
    adl_extintFilter_e Filter;
    u8 FilterDuration;
    u8 FilterNbStep;
    void *Specific;
} adl_extintConfig_t;

typedef struct {
    u8 PinState;   /* 0 or 1 */
} adl_extintInfo_t;

s32 adl_extintGetCapabilities(adl_extintCapabilities_t *Capabilities);
s32 adl_extintSubscribe(u32 ExtIntId, s32 LowLevelIrqHandle, s32 HighLevelIrqHandle,
                        adl_extintConfig_t *Config);
s32 adl_extintUnsubscribe(s32 ExtIntHandle);
s32 adl_extintConfig(s32 ExtIntHandle, adl_extintConfig_t *Config);
s32 adl_extintRead(s32 ExtIntHandle, adl_extintInfo_t *Info);

#ifdef __cplusplus
}
#endif

#endif
