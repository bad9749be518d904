// rtc_test.cpp: the ADL RTC: start time from --rtc or the host clock, advance with emulated
// time, adl_rtcSetTime, conversions both ways, differences, and every field validated.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "shim.h"
extern "C" {
#include "adl/rtc_internal.h"
#include "core/sched.h"
}

namespace {

void entry() {}
const adl_InitTasks_t kTasks[] = { { entry, 8192, "main", 1 }, { nullptr, 0, nullptr, 0 } };

void run_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }

void in_task(std::function<void()> fn)
{
    ASSERT_EQ(0, oat_post(oat_task_main(), run_fn, &fn, nullptr));
    oat_shim_settle();
}

std::string traces()
{
    char *raw = oat_shim_traces();
    std::string s = raw ? raw : "";
    oat_shim_free(raw);
    return s;
}

size_t count(const std::string &hay, const std::string &needle)
{
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1))
        n++;
    return n;
}

adl_rtcTime_t make_time(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
                        unsigned frac = 0)
{
    adl_rtcTime_t t = {};
    t.Year = (u16)y;
    t.Month = (u8)mo;
    t.Day = (u8)d;
    t.Hour = (u8)h;
    t.Minute = (u8)mi;
    t.Second = (u8)s;
    t.SecondFracPart = frac;
    return t;
}

adl_rtcTime_t now_in_task()
{
    adl_rtcTime_t t = {};
    in_task([&] { EXPECT_EQ(OK, adl_rtcGetTime(&t)); });
    return t;
}

class Rtc : public ::testing::Test {
protected:
    void boot(std::vector<const char *> flags = {})
    {
        flags.push_back(nullptr);
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags.data()));
        traces();
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Rtc, RtcTimeFieldsAreInModuleOrder)
{
    EXPECT_EQ(0u, offsetof(adl_rtcTime_t, Pad0));
    EXPECT_EQ(4u, offsetof(adl_rtcTime_t, Pad1));
    EXPECT_EQ(8u, offsetof(adl_rtcTime_t, Year));
    EXPECT_EQ(10u, offsetof(adl_rtcTime_t, Month));
    EXPECT_EQ(11u, offsetof(adl_rtcTime_t, Day));
    EXPECT_EQ(12u, offsetof(adl_rtcTime_t, WeekDay));
    EXPECT_EQ(13u, offsetof(adl_rtcTime_t, Hour));
    EXPECT_EQ(14u, offsetof(adl_rtcTime_t, Minute));
    EXPECT_EQ(15u, offsetof(adl_rtcTime_t, Second));
    EXPECT_EQ(16u, offsetof(adl_rtcTime_t, SecondFracPart));
    EXPECT_EQ(20u, offsetof(adl_rtcTime_t, Pad2));
    EXPECT_EQ(0, ADL_RTC_CONVERT_TO_TIMESTAMP);
    EXPECT_EQ(1, ADL_RTC_CONVERT_FROM_TIMESTAMP);
    EXPECT_EQ(60, ADL_RTC_MINUTE_SECONDS);
    EXPECT_EQ(1000, ADL_RTC_MS_US);
}

TEST_F(Rtc, RtcStartsAtTimeGivenByRtcFlag)
{
    boot({ "--rtc=2020-02-29T23:59:58" });
    adl_rtcTime_t t = now_in_task();
    EXPECT_EQ(2020, t.Year);
    EXPECT_EQ(2, t.Month);
    EXPECT_EQ(29, t.Day);
    EXPECT_EQ(6, t.WeekDay);   // a Saturday, 0 = Sunday
    EXPECT_EQ(23, t.Hour);
    EXPECT_EQ(59, t.Minute);
    EXPECT_EQ(58, t.Second);
}

TEST_F(Rtc, RtcAdvancesWithEmulatedTime)
{
    boot({ "--rtc=2020-02-29T23:59:58" });
    oat_shim_advance_ms(3250);
    adl_rtcTime_t t = now_in_task();
    EXPECT_EQ(2020, t.Year);
    EXPECT_EQ(3, t.Month);
    EXPECT_EQ(1, t.Day);
    EXPECT_EQ(0, t.WeekDay);   // Sunday
    EXPECT_EQ(0, t.Hour);
    EXPECT_EQ(0, t.Minute);
    EXPECT_EQ(1, t.Second);
    EXPECT_EQ(250000u, t.SecondFracPart);
}

TEST_F(Rtc, RtcFlagAcceptsSecondsSince1970)
{
    boot({ "--rtc=1700000000" });
    EXPECT_EQ(1700000000LL, oat_rtc_seconds());
    adl_rtcTime_t t = now_in_task();
    EXPECT_EQ(2023, t.Year);
    EXPECT_EQ(11, t.Month);
    EXPECT_EQ(14, t.Day);
    EXPECT_EQ(2, t.WeekDay);   // Tuesday
    EXPECT_EQ(22, t.Hour);
    EXPECT_EQ(13, t.Minute);
    EXPECT_EQ(20, t.Second);
}

TEST_F(Rtc, RtcWithoutFlagFollowsHostWallClock)
{
    unsetenv("OATEMU_RTC");
    boot();
    long long host = (long long)time(nullptr);
    EXPECT_NEAR((double)host, (double)oat_rtc_seconds(), 5.0);
}

TEST_F(Rtc, RtcSetTimeMovesTheClockWhichKeepsRunning)
{
    boot({ "--rtc=0" });
    in_task([] {
        adl_rtcTime_t t = make_time(2030, 1, 1, 12, 0, 0);
        EXPECT_EQ(OK, adl_rtcSetTime(&t));
    });
    oat_shim_advance_ms(1500);
    adl_rtcTime_t t = now_in_task();
    EXPECT_EQ(2030, t.Year);
    EXPECT_EQ(12, t.Hour);
    EXPECT_EQ(1, t.Second);
    EXPECT_EQ(500000u, t.SecondFracPart);
    EXPECT_EQ(2, t.WeekDay);   // 2030-01-01 is a Tuesday
    adl_rtcTime_t internal;
    oat_rtc_now(&internal);
    EXPECT_EQ(2030, internal.Year);
}

TEST_F(Rtc, RtcSetTimeRejectsEveryFieldOutOfRange)
{
    boot({ "--rtc=86400" });
    struct Case {
        adl_rtcTime_t t;
        const char *field;
    };
    adl_rtcTime_t weekday = make_time(2021, 1, 1, 0, 0, 0);
    weekday.WeekDay = 7;
    const Case cases[] = {
        { make_time(1969, 12, 31, 0, 0, 0), "Year" },
        { make_time(2107, 1, 1, 0, 0, 0), "Year" },
        { make_time(2021, 0, 1, 0, 0, 0), "Month" },
        { make_time(2021, 13, 1, 0, 0, 0), "Month" },
        { make_time(2021, 2, 29, 0, 0, 0), "Day" },
        { make_time(2021, 4, 31, 0, 0, 0), "Day" },
        { make_time(2021, 1, 0, 0, 0, 0), "Day" },
        { weekday, "WeekDay" },
        { make_time(2021, 1, 1, 24, 0, 0), "Hour" },
        { make_time(2021, 1, 1, 0, 60, 0), "Minute" },
        { make_time(2021, 1, 1, 0, 0, 60), "Second" },
        { make_time(2021, 1, 1, 0, 0, 0, 1000000), "SecondFracPart" },
        { make_time(2106, 2, 7, 6, 28, 16), "date" },
    };
    for (const Case &c : cases) {
        in_task([&] {
            adl_rtcTime_t t = c.t;
            EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcSetTime(&t)) << c.field;
        });
        std::string tr = traces();
        EXPECT_EQ(1u, count(tr, std::string("adl_rtcSetTime: ")));
        EXPECT_NE(std::string::npos, tr.find(std::string("bad ") + c.field)) << tr;
    }
    in_task([] { EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcSetTime(nullptr)); });
    EXPECT_EQ(86400LL, oat_rtc_seconds());
}

TEST_F(Rtc, RtcSetTimeAcceptsLeapDayAndLastTimeStamp)
{
    boot({ "--rtc=0" });
    in_task([] {
        adl_rtcTime_t leap = make_time(2000, 2, 29, 0, 0, 0);
        EXPECT_EQ(OK, adl_rtcSetTime(&leap));
        adl_rtcTime_t last = make_time(2106, 2, 7, 6, 28, 15);
        EXPECT_EQ(OK, adl_rtcSetTime(&last));
    });
    EXPECT_EQ(4294967295LL, oat_rtc_seconds());
}

TEST_F(Rtc, RtcConvertsBothWays)
{
    boot();
    in_task([] {
        adl_rtcTime_t t = make_time(2023, 11, 14, 22, 13, 20, 123456);
        adl_rtcTimeStamp_t ts = {};
        EXPECT_EQ(OK, adl_rtcConvertTime(&t, &ts, ADL_RTC_CONVERT_TO_TIMESTAMP));
        EXPECT_EQ(1700000000u, ts.TimeStamp);
        EXPECT_EQ(123456u, ts.SecondFracPart);

        adl_rtcTime_t back = {};
        EXPECT_EQ(OK, adl_rtcConvertTime(&back, &ts, ADL_RTC_CONVERT_FROM_TIMESTAMP));
        EXPECT_EQ(2023, back.Year);
        EXPECT_EQ(11, back.Month);
        EXPECT_EQ(14, back.Day);
        EXPECT_EQ(2, back.WeekDay);
        EXPECT_EQ(22, back.Hour);
        EXPECT_EQ(13, back.Minute);
        EXPECT_EQ(20, back.Second);
        EXPECT_EQ(123456u, back.SecondFracPart);

        adl_rtcTimeStamp_t epoch = { 0, 0 };
        EXPECT_EQ(OK, adl_rtcConvertTime(&back, &epoch, ADL_RTC_CONVERT_FROM_TIMESTAMP));
        EXPECT_EQ(1970, back.Year);
        EXPECT_EQ(1, back.Month);
        EXPECT_EQ(1, back.Day);
        EXPECT_EQ(4, back.WeekDay);   // Thursday
    });
}

TEST_F(Rtc, RtcConvertRejectsBadArguments)
{
    boot();
    in_task([] {
        adl_rtcTime_t t = make_time(2023, 2, 30, 0, 0, 0);
        adl_rtcTimeStamp_t ts = { 0, 0 };
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcConvertTime(&t, &ts, ADL_RTC_CONVERT_TO_TIMESTAMP));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcConvertTime(&t, &ts, (adl_rtcConvert_e)2));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcConvertTime(nullptr, &ts, ADL_RTC_CONVERT_FROM_TIMESTAMP));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcConvertTime(&t, nullptr, ADL_RTC_CONVERT_TO_TIMESTAMP));
        adl_rtcTimeStamp_t bad = { 0, 1000000 };
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcConvertTime(&t, &bad, ADL_RTC_CONVERT_FROM_TIMESTAMP));
    });
    EXPECT_EQ(5u, count(traces(), "adl_rtcConvertTime: "));
}

TEST_F(Rtc, RtcDiffTimeGivesTheDistanceBetweenStamps)
{
    boot();
    in_task([] {
        adl_rtcTimeStamp_t a = { 100, 250000 }, b = { 40, 750000 }, r = {};
        EXPECT_EQ(OK, adl_rtcDiffTime(&a, &b, &r));
        EXPECT_EQ(59u, r.TimeStamp);
        EXPECT_EQ(500000u, r.SecondFracPart);
        EXPECT_EQ(OK, adl_rtcDiffTime(&b, &a, &r));
        EXPECT_EQ(59u, r.TimeStamp);
        EXPECT_EQ(500000u, r.SecondFracPart);
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcDiffTime(&a, nullptr, &r));
        adl_rtcTimeStamp_t bad = { 1, 1000000 };
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcDiffTime(&bad, &a, &r));
    });
    EXPECT_EQ(2u, count(traces(), "adl_rtcDiffTime: "));
}

TEST_F(Rtc, RtcTimeStampMacrosSplitDaysToMicroseconds)
{
    adl_rtcTimeStamp_t ts = { 2 * 86400 + 3 * 3600 + 4 * 60 + 5, 6007 };
    EXPECT_EQ(2u, ADL_RTC_GET_TIMESTAMP_DAYS(ts));
    EXPECT_EQ(3u, ADL_RTC_GET_TIMESTAMP_HOURS(ts));
    EXPECT_EQ(4u, ADL_RTC_GET_TIMESTAMP_MINUTES(ts));
    EXPECT_EQ(5u, ADL_RTC_GET_TIMESTAMP_SECONDS(ts));
    EXPECT_EQ(6u, ADL_RTC_GET_TIMESTAMP_MS(ts));
    EXPECT_EQ(7u, ADL_RTC_GET_TIMESTAMP_US(ts));
}

TEST_F(Rtc, RtcGetTimeRejectsNull)
{
    boot();
    in_task([] { EXPECT_EQ(ADL_RET_ERR_PARAM, adl_rtcGetTime(nullptr)); });
    EXPECT_EQ(1u, count(traces(), "adl_rtcGetTime: TimeStructure is NULL"));
}

} // namespace
