/* rtc_internal.h: the module's RTC for other emulator parts (modem AT+CCLK?, SMTP Date
 * header, AT+CCLK, AT+CALA). No call log, no warnings. */
#ifndef OAT_ADL_RTC_INTERNAL_H
#define OAT_ADL_RTC_INTERNAL_H

#include "adl_rtc.h"

/* The RTC now: seconds since 1970-01-01 00:00:00 UTC. */
long long oat_rtc_seconds(void);
/* The RTC now as calendar time (UTC, WeekDay 0 = Sunday, SecondFracPart in µs). */
void oat_rtc_now(adl_rtcTime_t *out);
/* Set the RTC (AT+CCLK=): seconds since 1970-01-01 00:00:00 UTC. */
void oat_rtc_set_seconds(long long seconds);

#endif
