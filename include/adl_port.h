/* adl_port.h: the module's ports (UART1, UART2, USB, virtual ports) and the port service:
 * open/close events, availability and serial signals. No host headers. */
#ifndef ADL_PORT_H
#define ADL_PORT_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ADL_PORT_NONE = 0,
    ADL_PORT_UART1 = 1,
    ADL_PORT_UART2 = 2,
    ADL_PORT_USB = 3,
    ADL_PORT_UART3 = 4,
    ADL_PORT_UART1_VIRTUAL_BASE = 0x10,
    ADL_PORT_UART2_VIRTUAL_BASE = 0x20,
    ADL_PORT_USB_VIRTUAL_BASE = 0x30,
    ADL_PORT_UART3_VIRTUAL_BASE = 0x40,
    ADL_PORT_GSM_BASE = 0x50,
    ADL_PORT_GPRS_BASE = 0x60,
    ADL_PORT_RDMS_SERVER_VIRTUAL_BASE = 0x71,
    ADL_PORT_OPEN_AT_VIRTUAL_BASE = 0x80
} adl_port_e;

typedef enum {
    ADL_PORT_EVENT_OPENED = 0,
    ADL_PORT_EVENT_CLOSED = 1,
    ADL_PORT_EVENT_RTS_STATE_CHANGE = 2,
    ADL_PORT_EVENT_DTR_STATE_CHANGE = 3
} adl_portEvent_e;

/* Serial signals that adl_portGetSignalState and the signal polling read. */
typedef enum {
    ADL_PORT_SIGNAL_CTS = 0,
    ADL_PORT_SIGNAL_DSR = 1,
    ADL_PORT_SIGNAL_LAST = 2
} adl_portSignal_e;

#define ADL_PORT_HANDLE_MAX 0x7F

/* Port events; State is the new signal state for the *_STATE_CHANGE events. */
typedef void (*adl_portHdlr_f)(adl_portEvent_e Event, adl_port_e Port, u8 State);

/* A handle >= 0; an ADL_PORT_EVENT_OPENED event follows for every port already open. */
s8 adl_portSubscribe(adl_portHdlr_f PortHandler);
s8 adl_portUnsubscribe(u8 Handle);
bool adl_portIsAvailable(adl_port_e Port);
/* The signal state (0 or 1), or a negative ADL_RET_ERR_* code. */
s8 adl_portGetSignalState(adl_port_e Port, adl_portSignal_e Signal);
/* Watch a signal every PollingTimerValue units of PollingTimerType (ADL_TMR_TYPE_*); changes
 * arrive as events of the subscription Handle. */
s8 adl_portStartSignalPolling(u8 Handle, adl_port_e Port, adl_portSignal_e Signal,
                              u8 PollingTimerType, u32 PollingTimerValue);
s8 adl_portStopSignalPolling(u8 Handle, adl_port_e Port, adl_portSignal_e Signal);

#ifdef __cplusplus
}
#endif

#endif
