/* not_provided.c: ADL services oatemu does not model yet (GPIO, buses, IRQ,
 * external interrupts, SMS, A&D, ADC, watchdog, calls). Each call links and fails loudly:
 * a trace pointing at docs/api-coverage.md, ADL_RET_ERR_NOT_SUPPORTED, and no side effect. */
#include "adl_global.h"

#include "adl/services.h"
#include "core/calls.h"
#include "core/log.h"

static s32 not_provided(const char *fn)
{
    oat_unsupported(fn);
    OAT_CALL_RET(fn, ADL_RET_ERR_NOT_SUPPORTED, oat_adl_ret_name(ADL_RET_ERR_NOT_SUPPORTED),
                 "%s", "...");
    return ADL_RET_ERR_NOT_SUPPORTED;
}

s32 adl_ioEventSubscribe(adl_ioHdlr_f GpioEventHandler)
{
    (void)GpioEventHandler;
    return (s32)not_provided("adl_ioEventSubscribe");
}

s32 adl_ioEventUnsubscribe(s32 GpioEventHandle)
{
    (void)GpioEventHandle;
    return (s32)not_provided("adl_ioEventUnsubscribe");
}

s32 adl_ioSubscribe(u32 GpioNb, adl_ioDefs_t *GpioConfig, u8 PollingTimerType, u32 PollingTime,
                    s32 GpioEventHandle)
{
    (void)GpioNb; (void)GpioConfig; (void)PollingTimerType; (void)PollingTime;
    (void)GpioEventHandle;
    return (s32)not_provided("adl_ioSubscribe");
}

s32 adl_ioUnsubscribe(s32 GpioHandle)
{
    (void)GpioHandle;
    return (s32)not_provided("adl_ioUnsubscribe");
}

s32 adl_ioSetDirection(s32 GpioHandle, u32 GpioNb, adl_ioDefs_t *GpioDir)
{
    (void)GpioHandle; (void)GpioNb; (void)GpioDir;
    return (s32)not_provided("adl_ioSetDirection");
}

s32 adl_ioRead(s32 GpioHandle, u32 GpioNb, adl_ioDefs_t *GpioRead)
{
    (void)GpioHandle; (void)GpioNb; (void)GpioRead;
    return (s32)not_provided("adl_ioRead");
}

s32 adl_ioReadSingle(s32 GpioHandle, adl_ioDefs_t *Gpio)
{
    (void)GpioHandle; (void)Gpio;
    return (s32)not_provided("adl_ioReadSingle");
}

s32 adl_ioWrite(s32 GpioHandle, u32 GpioNb, adl_ioDefs_t *GpioWrite)
{
    (void)GpioHandle; (void)GpioNb; (void)GpioWrite;
    return (s32)not_provided("adl_ioWrite");
}

s32 adl_ioWriteSingle(s32 GpioHandle, adl_ioDefs_t *Gpio, bool State)
{
    (void)GpioHandle; (void)Gpio; (void)State;
    return (s32)not_provided("adl_ioWriteSingle");
}

s32 adl_ioGetCapabilitiesList(u32 *GpioNb, adl_ioDefs_t **GpioTab, adl_ioCap_t *TypeNb)
{
    (void)GpioNb; (void)GpioTab; (void)TypeNb;
    return (s32)not_provided("adl_ioGetCapabilitiesList");
}

s32 adl_busSubscribe(adl_busID_e BusId, u32 Instance, void *Settings)
{
    (void)BusId; (void)Instance; (void)Settings;
    return (s32)not_provided("adl_busSubscribe");
}

s32 adl_busUnsubscribe(s32 Handle)
{
    (void)Handle;
    return (s32)not_provided("adl_busUnsubscribe");
}

s32 adl_busIOCtl(s32 Handle, adl_busIoCtlCmd_e Cmd, void *Param)
{
    (void)Handle; (void)Cmd; (void)Param;
    return (s32)not_provided("adl_busIOCtl");
}

s32 adl_busRead(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data)
{
    (void)Handle; (void)Access; (void)DataLen; (void)Data;
    return (s32)not_provided("adl_busRead");
}

s32 adl_busWrite(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data)
{
    (void)Handle; (void)Access; (void)DataLen; (void)Data;
    return (s32)not_provided("adl_busWrite");
}

s32 adl_busReadExt(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data, void *Context)
{
    (void)Handle; (void)Access; (void)DataLen; (void)Data; (void)Context;
    return (s32)not_provided("adl_busReadExt");
}

s32 adl_busWriteExt(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data, void *Context)
{
    (void)Handle; (void)Access; (void)DataLen; (void)Data; (void)Context;
    return (s32)not_provided("adl_busWriteExt");
}

s32 adl_irqSubscribe(adl_irqHandler_f IrqHandler, adl_irqNotificationLevel_e NotificationLevel,
                     adl_irqPriorityLevel_e PriorityLevel, u32 Options)
{
    (void)IrqHandler; (void)NotificationLevel; (void)PriorityLevel; (void)Options;
    return (s32)not_provided("adl_irqSubscribe");
}

s32 adl_irqUnsubscribe(s32 IrqHandle)
{
    (void)IrqHandle;
    return (s32)not_provided("adl_irqUnsubscribe");
}

s32 adl_extintGetCapabilities(adl_extintCapabilities_t *Capabilities)
{
    (void)Capabilities;
    return (s32)not_provided("adl_extintGetCapabilities");
}

s32 adl_extintSubscribe(u32 ExtIntId, s32 LowLevelIrqHandle, s32 HighLevelIrqHandle,
                        adl_extintConfig_t *Config)
{
    (void)ExtIntId; (void)LowLevelIrqHandle; (void)HighLevelIrqHandle; (void)Config;
    return (s32)not_provided("adl_extintSubscribe");
}

s32 adl_extintUnsubscribe(s32 ExtIntHandle)
{
    (void)ExtIntHandle;
    return (s32)not_provided("adl_extintUnsubscribe");
}

s32 adl_extintConfig(s32 ExtIntHandle, adl_extintConfig_t *Config)
{
    (void)ExtIntHandle; (void)Config;
    return (s32)not_provided("adl_extintConfig");
}

s32 adl_extintRead(s32 ExtIntHandle, adl_extintInfo_t *Info)
{
    (void)ExtIntHandle; (void)Info;
    return (s32)not_provided("adl_extintRead");
}

s8 adl_smsSubscribe(adl_smsHdlr_f SmsHandler, adl_smsCtrlHdlr_f SmsCtrlHandler, u8 Mode)
{
    (void)SmsHandler; (void)SmsCtrlHandler; (void)Mode;
    return (s8)not_provided("adl_smsSubscribe");
}

s8 adl_smsSubscribeExt(adl_smsHdlrExt_f SmsHandler, adl_smsCtrlHdlr_f SmsCtrlHandler, u8 Mode)
{
    (void)SmsHandler; (void)SmsCtrlHandler; (void)Mode;
    return (s8)not_provided("adl_smsSubscribeExt");
}

s8 adl_smsSend(u8 Handle, ascii *SmsTel, ascii *SmsText, u8 Mode)
{
    (void)Handle; (void)SmsTel; (void)SmsText; (void)Mode;
    return (s8)not_provided("adl_smsSend");
}

s8 adl_smsUnsubscribe(u8 Handle)
{
    (void)Handle;
    return (s8)not_provided("adl_smsUnsubscribe");
}

s32 adl_adSubscribe(u32 CellId, u32 Size)
{
    (void)CellId; (void)Size;
    return (s32)not_provided("adl_adSubscribe");
}

s32 adl_adUnsubscribe(s32 Handle)
{
    (void)Handle;
    return (s32)not_provided("adl_adUnsubscribe");
}

s32 adl_adEventSubscribe(adl_adEventHdlr_f Handler)
{
    (void)Handler;
    return (s32)not_provided("adl_adEventSubscribe");
}

s32 adl_adEventUnsubscribe(s32 EventHandle)
{
    (void)EventHandle;
    return (s32)not_provided("adl_adEventUnsubscribe");
}

s32 adl_adWrite(s32 Handle, u32 Size, void *Data)
{
    (void)Handle; (void)Size; (void)Data;
    return (s32)not_provided("adl_adWrite");
}

s32 adl_adInfo(s32 Handle, adl_adInfo_t *Info)
{
    (void)Handle; (void)Info;
    return (s32)not_provided("adl_adInfo");
}

s32 adl_adFinalise(s32 Handle)
{
    (void)Handle;
    return (s32)not_provided("adl_adFinalise");
}

s32 adl_adDelete(s32 Handle)
{
    (void)Handle;
    return (s32)not_provided("adl_adDelete");
}

s32 adl_adInstall(s32 Handle)
{
    (void)Handle;
    return (s32)not_provided("adl_adInstall");
}

s32 adl_adRecompact(s32 EventHandle)
{
    (void)EventHandle;
    return (s32)not_provided("adl_adRecompact");
}

s32 adl_adFormat(s32 EventHandle)
{
    (void)EventHandle;
    return (s32)not_provided("adl_adFormat");
}

s32 adl_adcAnalogRead(u32 Channel, s32 *Value)
{
    (void)Channel; (void)Value;
    return (s32)not_provided("adl_adcAnalogRead");
}

s32 adl_wdActiveAppWd(u32 Period)
{
    (void)Period;
    return (s32)not_provided("adl_wdActiveAppWd");
}

s32 adl_wdRearmAppWd(void)
{
    return (s32)not_provided("adl_wdRearmAppWd");
}

s32 adl_wdDeActiveAppWd(void)
{
    return (s32)not_provided("adl_wdDeActiveAppWd");
}

s8 adl_callSubscribe(adl_callHdlr_f CallHandler)
{
    (void)CallHandler;
    return (s8)not_provided("adl_callSubscribe");
}

s8 adl_callUnsubscribe(adl_callHdlr_f CallHandler)
{
    (void)CallHandler;
    return (s8)not_provided("adl_callUnsubscribe");
}

s8 adl_callSetup(ascii *PhoneNb, u8 Mode)
{
    (void)PhoneNb; (void)Mode;
    return (s8)not_provided("adl_callSetup");
}

s8 adl_callSetupExt(ascii *PhoneNb, u8 Mode, adl_port_e Port)
{
    (void)PhoneNb; (void)Mode; (void)Port;
    return (s8)not_provided("adl_callSetupExt");
}

s8 adl_callAnswer(void)
{
    return (s8)not_provided("adl_callAnswer");
}

s8 adl_callAnswerExt(adl_port_e Port)
{
    (void)Port;
    return (s8)not_provided("adl_callAnswerExt");
}

s8 adl_callHangup(void)
{
    return (s8)not_provided("adl_callHangup");
}

s8 adl_callHangUp(void)
{
    return (s8)not_provided("adl_callHangUp");
}

s8 adl_callHangupExt(adl_port_e Port)
{
    (void)Port;
    return (s8)not_provided("adl_callHangupExt");
}
