/* adl_adc.h: analog-to-digital converter readings in millivolts. oatemu has no analog
 * inputs yet: the call fails loudly. */
#ifndef ADL_ADC_H
#define ADL_ADC_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the reading of Channel (product-specific numbering) in mV into *Value. */
s32 adl_adcAnalogRead(u32 Channel, s32 *Value);

#ifdef __cplusplus
}
#endif

#endif
