/* rtc_internal.h: the module's RTC for other emulator parts (modem AT+CCLK?, SMTP Date
 * header). Read-only: only adl_rtcSetTime moves the clock. No call log, no warnings. */
#ifndef OAT_ADL_RTC_INTERNAL_H
#define OAT_ADL_RTC_INTERNAL_H

#include "adl_rtc.h"

/* The RTC now: seconds since 1970-01-01 00:00:00 UTC. */
long long oat_rtc_seconds(void);
/* The RTC now as calendar time (UTC, WeekDay 0 = Sunday, SecondFracPart in µs). */
void oat_rtc_now(adl_rtcTime_t *out);

#endif
