/* adl_irq.h: the interrupt service: IRQ handles that source services (external interrupts,
 * bus transfers, audio) call back at low or high level. Calls fail loudly in oatemu. */
#ifndef ADL_IRQ_H
#define ADL_IRQ_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ADL_IRQ_NOTIFY_LOW_LEVEL = 0,
    ADL_IRQ_NOTIFY_HIGH_LEVEL = 1
} adl_irqNotificationLevel_e;

typedef enum {
    ADL_IRQ_PRIORITY_LOW_LEVEL = 0,
    ADL_IRQ_PRIORITY_HIGH_LEVEL = 1
} adl_irqPriorityLevel_e;

/* Options of adl_irqSubscribe (bit flags). */
#define ADL_IRQ_OPTION_AUTO_READ            0x01  /* source data read at interrupt time */
#define ADL_IRQ_OPTION_PRE_ACKNOWLEDGEMENT  0x02
#define ADL_IRQ_OPTION_POST_ACKNOWLEDGEMENT 0x04

typedef enum {
    ADL_IRQ_ID_AUDIO_RX_PLAY = 0,
    ADL_IRQ_ID_AUDIO_TX_PLAY,
    ADL_IRQ_ID_AUDIO_RX_LISTEN,
    ADL_IRQ_ID_AUDIO_TX_LISTEN,
    ADL_IRQ_ID_EXTINT,
    ADL_IRQ_ID_SPI_EOT,
    ADL_IRQ_ID_I2C_EOT,
    ADL_IRQ_ID_TIMER
} adl_irqID_e;

typedef struct {
    void *SourceData;   /* with AUTO_READ: adl_extintInfo_t *, adl_busAsyncInfo_t *... */
    u32 Instance;
    void *Context;      /* the context given to an *Ext call */
} adl_irqEventData_t;

/* Low level: return TRUE to have the high-level handler called next. */
typedef bool (*adl_irqHandler_f)(adl_irqID_e Source, adl_irqNotificationLevel_e NotificationLevel,
                                 adl_irqEventData_t *Data);

s32 adl_irqSubscribe(adl_irqHandler_f IrqHandler, adl_irqNotificationLevel_e NotificationLevel,
                     adl_irqPriorityLevel_e PriorityLevel, u32 Options);
s32 adl_irqUnsubscribe(s32 IrqHandle);

#ifdef __cplusplus
}
#endif

#endif
