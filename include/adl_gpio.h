/* adl_gpio.h: the OS 6 GPIO service (adl_io*): the adl_ioDefs_t bit field, capabilities,
 * events and calls. oatemu does not model GPIOs yet: every call fails loudly. */
#ifndef ADL_GPIO_H
#define ADL_GPIO_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One GPIO and its settings or results, packed in 32 bits. */
typedef s32 adl_ioDefs_t;

#define ADL_IO_NUM_MSK      0xFFF                 /* bits 0-11: GPIO number */
#define ADL_IO_TYPE_POS     12
#define ADL_IO_TYPE_MSK     (3 << ADL_IO_TYPE_POS)
#define ADL_IO_GPI          (1 << ADL_IO_TYPE_POS)
#define ADL_IO_GPO          (2 << ADL_IO_TYPE_POS)
#define ADL_IO_GPIO         (3 << ADL_IO_TYPE_POS)
#define ADL_IO_LABEL_MSK    (ADL_IO_NUM_MSK | ADL_IO_TYPE_MSK)
#define ADL_IO_LEV_POS      16
#define ADL_IO_LEV_MSK      (1 << ADL_IO_LEV_POS)
#define ADL_IO_LEV_HIGH     (1 << ADL_IO_LEV_POS)
#define ADL_IO_LEV_LOW      0
#define ADL_IO_DIR_POS      17
#define ADL_IO_DIR_MSK      (3 << ADL_IO_DIR_POS)
#define ADL_IO_DIR_OUT      0
#define ADL_IO_DIR_IN       (1 << ADL_IO_DIR_POS)
#define ADL_IO_DIR_TRI      (2 << ADL_IO_DIR_POS)
#define ADL_IO_STATUS_POS   19                    /* output only */
#define ADL_IO_STATUS_MSK   (3 << ADL_IO_STATUS_POS)
#define ADL_IO_STATUS_USED  (1 << ADL_IO_STATUS_POS)
#define ADL_IO_STATUS_FREE  0
#define ADL_IO_CAP_POS      21                    /* output only */
#define ADL_IO_CAP_MSK      (3 << ADL_IO_CAP_POS)
#define ADL_IO_CAP_OR       (1 << ADL_IO_CAP_POS) /* an output can be read back */
#define ADL_IO_CAP_IW       (2 << ADL_IO_CAP_POS) /* an input can be written */
#define ADL_IO_ERR_POS      28                    /* output only, meaningful with ADL_IO_GERR */
#define ADL_IO_ERR_MSK      (7 << ADL_IO_ERR_POS)
#define ADL_IO_ERR          0                     /* unidentified */
#define ADL_IO_ERR_UNKWN    (1 << ADL_IO_ERR_POS) /* unknown GPIO */
#define ADL_IO_ERR_USED     (2 << ADL_IO_ERR_POS) /* held by a feature or a subscription */
#define ADL_IO_ERR_BADDIR   (3 << ADL_IO_ERR_POS)
#define ADL_IO_ERR_NIH      (4 << ADL_IO_ERR_POS) /* not in the handle */
#define ADL_IO_GERR_POS     31
#define ADL_IO_GERR_MSK     ((s32)0x80000000u)
#define ADL_IO_GNOERR       0
#define ADL_IO_GERR         ((s32)0x80000000u)

typedef struct {
    u32 NbGpio;
    u32 NbGpo;
    u32 NbGpi;
    u32 Pad;
} adl_ioCap_t;

typedef enum {
    ADL_IO_EVENT_INPUT_CHANGED = 2
} adl_ioEvent_e;

/* INPUT_CHANGED: Param is an adl_ioDefs_t[Size] of the polled inputs. */
typedef void (*adl_ioHdlr_f)(s32 GpioHandle, adl_ioEvent_e Event, u32 Size, void *Param);

s32 adl_ioEventSubscribe(adl_ioHdlr_f GpioEventHandler);
s32 adl_ioEventUnsubscribe(s32 GpioEventHandle);
s32 adl_ioSubscribe(u32 GpioNb, adl_ioDefs_t *GpioConfig, u8 PollingTimerType, u32 PollingTime,
                    s32 GpioEventHandle);
s32 adl_ioUnsubscribe(s32 GpioHandle);
s32 adl_ioSetDirection(s32 GpioHandle, u32 GpioNb, adl_ioDefs_t *GpioDir);
s32 adl_ioRead(s32 GpioHandle, u32 GpioNb, adl_ioDefs_t *GpioRead);
s32 adl_ioReadSingle(s32 GpioHandle, adl_ioDefs_t *Gpio);
s32 adl_ioWrite(s32 GpioHandle, u32 GpioNb, adl_ioDefs_t *GpioWrite);
s32 adl_ioWriteSingle(s32 GpioHandle, adl_ioDefs_t *Gpio, bool State);
s32 adl_ioGetCapabilitiesList(u32 *GpioNb, adl_ioDefs_t **GpioTab, adl_ioCap_t *TypeNb);

#ifdef __cplusplus
}
#endif

#endif
