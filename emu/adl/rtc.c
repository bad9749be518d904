/* rtc.c: the module's real-time clock, a base (from --rtc, the host's wall clock at boot, or
 * adl_rtcSetTime) plus emulated time, and UTC calendar conversions. It never sets the host clock. */
#include "adl_rtc.h"
#include "adl_error.h"

#include "adl/rtc_internal.h"
#include "adl/services.h"
#include "adl/adl_options.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define RTC_US_PER_S 1000000LL
#define RTC_FIRST_YEAR 1970
#define RTC_LAST_YEAR 2106        /* a u32 time stamp ends on 2106-02-07 06:28:15 */
#define RTC_EPOCH_WEEKDAY 4       /* 1970-01-01 was a Thursday (0 = Sunday) */

/* RTC in µs since 1970 = rtc_base_us + oat_now_us(). The modem model reads it from the I/O
 * thread while a task may set it. */
static pthread_mutex_t rtc_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t rtc_base_us;

static int64_t rtc_now_us(void)
{
    pthread_mutex_lock(&rtc_lock);
    int64_t base = rtc_base_us;
    pthread_mutex_unlock(&rtc_lock);
    return base + oat_now_us();
}

static void rtc_set_now_us(int64_t us)
{
    pthread_mutex_lock(&rtc_lock);
    rtc_base_us = us - oat_now_us();
    pthread_mutex_unlock(&rtc_lock);
}

void oat_rtc_start(void)
{
    int64_t start = oat_adl_cfg()->rtc_start;
    if (start < 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        rtc_set_now_us((int64_t)ts.tv_sec * RTC_US_PER_S + ts.tv_nsec / 1000);
    } else {
        rtc_set_now_us(start * RTC_US_PER_S);
    }
}

static bool rtc_is_leap(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned rtc_days_in_month(unsigned year, unsigned month)
{
    static const u8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return month == 2 && rtc_is_leap(year) ? 29 : days[month - 1];
}

static unsigned rtc_days_in_year(unsigned year)
{
    return rtc_is_leap(year) ? 366 : 365;
}

/* Calendar fields from seconds since 1970 (>= 0) and a fraction in µs. */
static void rtc_from_seconds(int64_t secs, u32 frac_us, adl_rtcTime_t *t)
{
    int64_t days = secs / ADL_RTC_DAY_SECONDS;
    int64_t in_day = secs % ADL_RTC_DAY_SECONDS;
    t->Pad0 = t->Pad1 = t->Pad2 = 0;
    t->WeekDay = (u8)((days + RTC_EPOCH_WEEKDAY) % 7);
    unsigned year = RTC_FIRST_YEAR;
    while (days >= rtc_days_in_year(year))
        days -= rtc_days_in_year(year++);
    unsigned month = 1;
    while (days >= rtc_days_in_month(year, month))
        days -= rtc_days_in_month(year, month++);
    t->Year = (u16)year;
    t->Month = (u8)month;
    t->Day = (u8)(days + 1);
    t->Hour = (u8)(in_day / ADL_RTC_HOUR_SECONDS);
    t->Minute = (u8)(in_day % ADL_RTC_HOUR_SECONDS / ADL_RTC_MINUTE_SECONDS);
    t->Second = (u8)(in_day % ADL_RTC_MINUTE_SECONDS);
    t->SecondFracPart = frac_us;
}

/* Check every field of t (WeekDay only for its range: the date decides it) and give the
 * time stamp. On a bad field: one warning naming fn and the field, false. */
static bool rtc_to_stamp(const char *fn, const adl_rtcTime_t *t, adl_rtcTimeStamp_t *out)
{
    const char *bad = NULL;
    if (t->Year < RTC_FIRST_YEAR || t->Year > RTC_LAST_YEAR)
        bad = "Year (1970..2106)";
    else if (t->Month < 1 || t->Month > 12)
        bad = "Month (1..12)";
    else if (t->Day < 1 || t->Day > rtc_days_in_month(t->Year, t->Month))
        bad = "Day (1..length of the month)";
    else if (t->WeekDay > 6)
        bad = "WeekDay (0..6)";
    else if (t->Hour > 23)
        bad = "Hour (0..23)";
    else if (t->Minute > 59)
        bad = "Minute (0..59)";
    else if (t->Second > 59)
        bad = "Second (0..59)";
    else if (t->SecondFracPart >= RTC_US_PER_S)
        bad = "SecondFracPart (0..999999 µs)";
    int64_t days = 0;
    if (bad == NULL) {
        for (unsigned y = RTC_FIRST_YEAR; y < t->Year; y++)
            days += rtc_days_in_year(y);
        for (unsigned m = 1; m < t->Month; m++)
            days += rtc_days_in_month(t->Year, m);
        days += t->Day - 1;
        if (days * ADL_RTC_DAY_SECONDS + t->Hour * ADL_RTC_HOUR_SECONDS
                + t->Minute * ADL_RTC_MINUTE_SECONDS + t->Second > UINT32_MAX)
            bad = "date (after 2106-02-07 06:28:15, past a u32 time stamp)";
    }
    if (bad != NULL) {
        oat_warn("%s: %04u-%02u-%02u %02u:%02u:%02u.%06u weekday %u: bad %s", fn,
                 (unsigned)t->Year, (unsigned)t->Month, (unsigned)t->Day, (unsigned)t->Hour,
                 (unsigned)t->Minute, (unsigned)t->Second, (unsigned)t->SecondFracPart,
                 (unsigned)t->WeekDay, bad);
        return false;
    }
    out->TimeStamp = (u32)(days * ADL_RTC_DAY_SECONDS + t->Hour * ADL_RTC_HOUR_SECONDS
                           + t->Minute * ADL_RTC_MINUTE_SECONDS + t->Second);
    out->SecondFracPart = t->SecondFracPart;
    return true;
}

long long oat_rtc_seconds(void)
{
    int64_t us = rtc_now_us();
    return us >= 0 ? us / RTC_US_PER_S : 0;
}

void oat_rtc_set_seconds(long long seconds)
{
    rtc_set_now_us((int64_t)seconds * RTC_US_PER_S);
}

void oat_rtc_now(adl_rtcTime_t *out)
{
    int64_t us = rtc_now_us();
    if (us < 0)
        us = 0;
    rtc_from_seconds(us / RTC_US_PER_S, (u32)(us % RTC_US_PER_S), out);
}

s32 adl_rtcGetTime(adl_rtcTime_t *TimeStructure)
{
    if (TimeStructure == NULL) {
        oat_warn("adl_rtcGetTime: TimeStructure is NULL");
        OAT_CALL_RET("adl_rtcGetTime", ADL_RET_ERR_PARAM, oat_adl_ret_name(ADL_RET_ERR_PARAM),
                     "NULL");
        return ADL_RET_ERR_PARAM;
    }
    oat_rtc_now(TimeStructure);
    OAT_CALL_RET("adl_rtcGetTime", OK, NULL, "%p -> %04u-%02u-%02u %02u:%02u:%02u",
                 (void *)TimeStructure, (unsigned)TimeStructure->Year,
                 (unsigned)TimeStructure->Month, (unsigned)TimeStructure->Day,
                 (unsigned)TimeStructure->Hour, (unsigned)TimeStructure->Minute,
                 (unsigned)TimeStructure->Second);
    return OK;
}

s32 adl_rtcSetTime(adl_rtcTime_t *TimeStructure)
{
    adl_rtcTimeStamp_t ts;
    if (TimeStructure == NULL) {
        oat_warn("adl_rtcSetTime: TimeStructure is NULL");
        OAT_CALL_RET("adl_rtcSetTime", ADL_RET_ERR_PARAM, oat_adl_ret_name(ADL_RET_ERR_PARAM),
                     "NULL");
        return ADL_RET_ERR_PARAM;
    }
    s32 ret = ADL_RET_ERR_PARAM;
    if (rtc_to_stamp("adl_rtcSetTime", TimeStructure, &ts)) {
        rtc_set_now_us((int64_t)ts.TimeStamp * RTC_US_PER_S + ts.SecondFracPart);
        ret = OK;
    }
    OAT_CALL_RET("adl_rtcSetTime", ret, oat_adl_ret_name(ret), "%04u-%02u-%02u %02u:%02u:%02u",
                 (unsigned)TimeStructure->Year, (unsigned)TimeStructure->Month,
                 (unsigned)TimeStructure->Day, (unsigned)TimeStructure->Hour,
                 (unsigned)TimeStructure->Minute, (unsigned)TimeStructure->Second);
    return ret;
}

s32 adl_rtcConvertTime(adl_rtcTime_t *TimeStructure, adl_rtcTimeStamp_t *TimeStamp,
                       adl_rtcConvert_e Conversion)
{
    s32 ret = ADL_RET_ERR_PARAM;
    if (TimeStructure == NULL || TimeStamp == NULL) {
        oat_warn("adl_rtcConvertTime: %s is NULL",
                 TimeStructure == NULL ? "TimeStructure" : "TimeStamp");
    } else if (Conversion == ADL_RTC_CONVERT_TO_TIMESTAMP) {
        if (rtc_to_stamp("adl_rtcConvertTime", TimeStructure, TimeStamp))
            ret = OK;
    } else if (Conversion == ADL_RTC_CONVERT_FROM_TIMESTAMP) {
        if (TimeStamp->SecondFracPart >= RTC_US_PER_S) {
            oat_warn("adl_rtcConvertTime: TimeStamp->SecondFracPart %u is not 0..999999 µs",
                     (unsigned)TimeStamp->SecondFracPart);
        } else {
            rtc_from_seconds(TimeStamp->TimeStamp, TimeStamp->SecondFracPart, TimeStructure);
            ret = OK;
        }
    } else {
        oat_warn("adl_rtcConvertTime: Conversion %d is neither ADL_RTC_CONVERT_TO_TIMESTAMP "
                 "nor ADL_RTC_CONVERT_FROM_TIMESTAMP", (int)Conversion);
    }
    OAT_CALL_RET("adl_rtcConvertTime", ret, oat_adl_ret_name(ret), "%p, %p, %d",
                 (void *)TimeStructure, (void *)TimeStamp, (int)Conversion);
    return ret;
}

s32 adl_rtcDiffTime(adl_rtcTimeStamp_t *TimeStamp1, adl_rtcTimeStamp_t *TimeStamp2,
                    adl_rtcTimeStamp_t *Result)
{
    s32 ret = ADL_RET_ERR_PARAM;
    if (TimeStamp1 == NULL || TimeStamp2 == NULL || Result == NULL) {
        oat_warn("adl_rtcDiffTime: %s is NULL", TimeStamp1 == NULL ? "TimeStamp1"
                 : TimeStamp2 == NULL ? "TimeStamp2" : "Result");
    } else if (TimeStamp1->SecondFracPart >= RTC_US_PER_S
               || TimeStamp2->SecondFracPart >= RTC_US_PER_S) {
        oat_warn("adl_rtcDiffTime: %s->SecondFracPart is not 0..999999 µs",
                 TimeStamp1->SecondFracPart >= RTC_US_PER_S ? "TimeStamp1" : "TimeStamp2");
    } else {
        int64_t a = (int64_t)TimeStamp1->TimeStamp * RTC_US_PER_S + TimeStamp1->SecondFracPart;
        int64_t b = (int64_t)TimeStamp2->TimeStamp * RTC_US_PER_S + TimeStamp2->SecondFracPart;
        int64_t d = a >= b ? a - b : b - a;
        Result->TimeStamp = (u32)(d / RTC_US_PER_S);
        Result->SecondFracPart = (u32)(d % RTC_US_PER_S);
        ret = OK;
    }
    OAT_CALL_RET("adl_rtcDiffTime", ret, oat_adl_ret_name(ret), "%p, %p, %p",
                 (void *)TimeStamp1, (void *)TimeStamp2, (void *)Result);
    return ret;
}
