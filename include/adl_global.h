/* adl_global.h: the one header an Open AT application includes for the ADL API.
 * It only gathers the per-service headers; each of them stands on its own. */
#ifndef ADL_GLOBAL_H
#define ADL_GLOBAL_H

#include "wm_types.h"
#include "wm_stdio.h"
#include "wm_list.h"
#include "adl_error.h"
#include "adl_str.h"
#include "adl_port.h"
#include "adl_at.h"
#include "adl_CmdHandler.h"
#include "adl_RspHandler.h"
#include "adl_UnSoHandler.h"
#include "adl_CmdStackHandler.h"
#include "adl_traces.h"
#include "adl_memory.h"
#include "adl_TimerHandler.h"
#include "adl_AppliInit.h"
#include "adl_ctx.h"
#include "adl_msg.h"
#include "adl_sim.h"
#include "adl_flash.h"
#include "adl_rtc.h"
#include "adl_fcm.h"
#include "adl_gprs.h"
#include "adl_gpio.h"
#include "adl_bus.h"
#include "adl_irq.h"
#include "adl_extint.h"
#include "adl_sms.h"
#include "adl_ad.h"
#include "adl_adc.h"
#include "adl_wd.h"
#include "adl_call.h"

#endif
