/* adl_rtc.h: the ADL real-time clock service (read/set the module's clock, convert between
 * calendar time and time stamps). Declarations only; it must not pull in any host header. */
#ifndef ADL_RTC_H
#define ADL_RTC_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Calendar time, UTC. Field order is the module's. */
typedef struct {
    u32 Pad0;
    u32 Pad1;
    u16 Year;             /* four digits, 1970..2106 (a u32 time stamp ends 2106-02-07) */
    u8 Month;             /* 1..12 */
    u8 Day;               /* 1..31 (up to the month's length) */
    u8 WeekDay;           /* 0..6, 0 = Sunday; computed from the date, ignored when set */
    u8 Hour;              /* 0..23 */
    u8 Minute;            /* 0..59 */
    u8 Second;            /* 0..59 */
    u32 SecondFracPart;   /* microseconds, 0..999999 */
    u32 Pad2;
} adl_rtcTime_t;

typedef struct {
    u32 TimeStamp;        /* seconds since 1970-01-01 00:00:00 */
    u32 SecondFracPart;   /* microseconds, 0..999999 */
} adl_rtcTimeStamp_t;

typedef enum {
    ADL_RTC_CONVERT_TO_TIMESTAMP = 0,
    ADL_RTC_CONVERT_FROM_TIMESTAMP = 1
} adl_rtcConvert_e;

#define ADL_RTC_MS_US 1000
#define ADL_RTC_SECOND_MS 1000
#define ADL_RTC_SECOND_US 1000000
#define ADL_RTC_MINUTE_SECONDS 60
#define ADL_RTC_HOUR_SECONDS 3600
#define ADL_RTC_DAY_SECONDS 86400

/* Split an adl_rtcTimeStamp_t (a value, not a pointer): whole days, then the hours, minutes
 * and seconds of the day, then milliseconds and the microseconds left over. */
#define ADL_RTC_GET_TIMESTAMP_DAYS(_ts_)    ((_ts_).TimeStamp / ADL_RTC_DAY_SECONDS)
#define ADL_RTC_GET_TIMESTAMP_HOURS(_ts_)   (((_ts_).TimeStamp % ADL_RTC_DAY_SECONDS) / ADL_RTC_HOUR_SECONDS)
#define ADL_RTC_GET_TIMESTAMP_MINUTES(_ts_) (((_ts_).TimeStamp % ADL_RTC_HOUR_SECONDS) / ADL_RTC_MINUTE_SECONDS)
#define ADL_RTC_GET_TIMESTAMP_SECONDS(_ts_) ((_ts_).TimeStamp % ADL_RTC_MINUTE_SECONDS)
#define ADL_RTC_GET_TIMESTAMP_MS(_ts_)      ((_ts_).SecondFracPart / ADL_RTC_MS_US)
#define ADL_RTC_GET_TIMESTAMP_US(_ts_)      ((_ts_).SecondFracPart % ADL_RTC_MS_US)

/* All return OK, or ADL_RET_ERR_PARAM for a NULL pointer or a field out of range. */
s32 adl_rtcGetTime(adl_rtcTime_t *TimeStructure);
s32 adl_rtcSetTime(adl_rtcTime_t *TimeStructure);
s32 adl_rtcConvertTime(adl_rtcTime_t *TimeStructure, adl_rtcTimeStamp_t *TimeStamp,
                       adl_rtcConvert_e Conversion);
/* Result = |TimeStamp1 - TimeStamp2|. */
s32 adl_rtcDiffTime(adl_rtcTimeStamp_t *TimeStamp1, adl_rtcTimeStamp_t *TimeStamp2,
                    adl_rtcTimeStamp_t *Result);

#ifdef __cplusplus
}
#endif

#endif
