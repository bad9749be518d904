// trace_test.cpp: the ADL trace service: level and channel filtering, the module's 255-byte
// cut and %s trap (warned once per call site), dumps, and run-time level changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "shim.h"
extern "C" {
#include "core/sched.h"
}

namespace {

struct Line {
    std::string who, tag, text;
};

void entry() {}
const adl_InitTasks_t kTasks[] = { { entry, 8192, "main", 1 }, { nullptr, 0, nullptr, 0 } };

void run_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }

// Run fn on the main task, as an application handler would, and wait until it is done.
void in_task(std::function<void()> fn)
{
    ASSERT_EQ(0, oat_post(oat_task_main(), run_fn, &fn, nullptr));
    oat_shim_settle();
}

// Parse "[   s.us] <who> <tag padded to 6> <text>" lines.
std::vector<Line> lines()
{
    char *raw = oat_shim_traces();
    std::string all = raw ? raw : "";
    oat_shim_free(raw);
    std::vector<Line> out;
    size_t pos = 0;
    while (pos < all.size()) {
        size_t end = all.find('\n', pos);
        if (end == std::string::npos)
            end = all.size();
        std::string l = all.substr(pos, end - pos);
        pos = end + 1;
        size_t p = l.find("] ");
        if (p == std::string::npos)
            continue;
        p += 2;
        Line line;
        size_t w = l.find(' ', p);
        line.who = l.substr(p, w - p);
        size_t t = l.find_first_not_of(' ', w);
        size_t te = l.find(' ', t);
        line.tag = l.substr(t, te == std::string::npos ? std::string::npos : te - t);
        size_t text = t + std::max<size_t>(line.tag.size(), 6) + 1;
        line.text = text < l.size() ? l.substr(text) : "";
        out.push_back(line);
    }
    return out;
}

size_t count_tag_text(const std::vector<Line> &ls, const std::string &tag, const std::string &text)
{
    return std::count_if(ls.begin(), ls.end(),
                         [&](const Line &l) { return l.tag == tag && l.text == text; });
}

size_t count_warnings(const std::vector<Line> &ls, const std::string &needle)
{
    return std::count_if(ls.begin(), ls.end(), [&](const Line &l) {
        return l.tag == "oatemu" && l.text.find(needle) != std::string::npos;
    });
}

class Trace : public ::testing::Test {
protected:
    void boot(std::vector<const char *> flags = {})
    {
        flags.push_back(nullptr);
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags.data()));
        lines();
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Trace, TraceShowsOnlyLevelsChosenByTraceFlag)
{
    boot({ "--trace=1-3" });
    in_task([] {
        TRACE((1, "level one %d", 1));
        TRACE((3, "level three"));
        TRACE((4, "level four"));
        TRACE((32, "level thirty-two"));
    });
    auto ls = lines();
    EXPECT_EQ(1u, count_tag_text(ls, "T1", "level one 1"));
    EXPECT_EQ(1u, count_tag_text(ls, "T3", "level three"));
    EXPECT_EQ(0u, count_tag_text(ls, "T4", "level four"));
    EXPECT_EQ(0u, count_tag_text(ls, "T32", "level thirty-two"));
}

TEST_F(Trace, TraceLineCarriesTheTaskName)
{
    boot();
    in_task([] { TRACE((2, "who am I")); });
    auto ls = lines();
    auto it = std::find_if(ls.begin(), ls.end(), [](const Line &l) { return l.text == "who am I"; });
    ASSERT_NE(ls.end(), it);
    EXPECT_EQ("main", it->who);
    EXPECT_EQ("T2", it->tag);
}

TEST_F(Trace, TraceLevSetChangesFilteringAtRunTime)
{
    boot({ "--trace=1" });
    in_task([] {
        EXPECT_EQ(0x1u, adl_trcLevGet());
        EXPECT_EQ(OK, adl_trcLevSet(1u << 4));
        EXPECT_EQ(1u << 4, adl_trcLevGet());
        TRACE((1, "one after set"));
        TRACE((5, "five after set"));
    });
    auto ls = lines();
    EXPECT_EQ(0u, count_tag_text(ls, "T1", "one after set"));
    EXPECT_EQ(1u, count_tag_text(ls, "T5", "five after set"));
}

TEST_F(Trace, TraceLevelsComeBackFromConfigurationAfterReboot)
{
    boot({ "--trace=1" });
    in_task([] { adl_trcLevSet(0); });
    boot({ "--trace=1" });
    in_task([] { TRACE((1, "shown again")); });
    EXPECT_EQ(1u, count_tag_text(lines(), "T1", "shown again"));
}

TEST_F(Trace, TraceNoneShowsNothing)
{
    boot({ "--trace=none" });
    in_task([] { TRACE((1, "hidden")); });
    EXPECT_EQ(0u, count_tag_text(lines(), "T1", "hidden"));
}

TEST_F(Trace, TraceChannelAppearsInTag)
{
    boot();
    in_task([] { TRACE((2 | _OAT02, "on channel two")); });
    EXPECT_EQ(1u, count_tag_text(lines(), "T2/OAT02", "on channel two"));
}

TEST_F(Trace, TraceChannelMacrosAreNShiftedBy8)
{
    EXPECT_EQ(1u << 8, _OAT01);
    EXPECT_EQ(17u << 8, _OAT17);
    EXPECT_EQ(32u << 8, _OAT32);
}

TEST_F(Trace, TraceSetCfgFiltersOneElementOnly)
{
    boot();
    in_task([] {
        adl_trcCfg_t cfg = { "OAT03", 0 };
        EXPECT_EQ(OK, adl_trcSetCfg(&cfg));
        adl_trcCfg_t get = { "OAT03", 0xdeadbeef };
        EXPECT_EQ(OK, adl_trcGetCfg(&get));
        EXPECT_EQ(0u, get.level_mask);
        adl_trcCfg_t other = { "main", 0 };
        EXPECT_EQ(OK, adl_trcGetCfg(&other));
        EXPECT_EQ(0xFFFFFFFFu, other.level_mask);
        TRACE((1 | _OAT03, "muted channel"));
        TRACE((1 | _OAT04, "open channel"));
        TRACE((1, "task element"));
    });
    auto ls = lines();
    EXPECT_EQ(0u, count_tag_text(ls, "T1/OAT03", "muted channel"));
    EXPECT_EQ(1u, count_tag_text(ls, "T1/OAT04", "open channel"));
    EXPECT_EQ(1u, count_tag_text(ls, "T1", "task element"));
}

TEST_F(Trace, TraceSetCfgRejectsEmptyOrUnterminatedName)
{
    boot();
    in_task([] {
        adl_trcCfg_t empty = { "", 1 };
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_trcSetCfg(&empty));
        adl_trcCfg_t full;
        std::fill(std::begin(full.name), std::end(full.name), 'x');
        full.level_mask = 1;
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_trcSetCfg(&full));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_trcGetCfg(nullptr));
    });
    EXPECT_EQ(2u, count_warnings(lines(), "adl_trcSetCfg"));
}

TEST_F(Trace, TraceRejectsLevelOutsideOneTo32)
{
    boot();
    in_task([] {
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_trcPrint(0, "level zero"));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_trcPrint(33, "level 33"));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_trcPrint(1 | (33u << 8), "channel 33"));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_trcPrint(1, nullptr));
        EXPECT_EQ(OK, adl_trcPrint(32, "level 32"));
    });
    auto ls = lines();
    EXPECT_EQ(4u, count_warnings(ls, "adl_trcPrint"));
    EXPECT_EQ(1u, count_tag_text(ls, "T32", "level 32"));
}

TEST_F(Trace, TraceTruncatedAt255BytesAndWarnedOncePerCallSite)
{
    boot();
    static const std::string longfmt = std::string(300, 'x') + "%d";
    in_task([] {
        for (int i = 0; i < 3; i++)
            EXPECT_EQ(OK, adl_trcPrint(1, longfmt.c_str(), i));
    });
    auto ls = lines();
    EXPECT_EQ(3u, count_tag_text(ls, "T1", std::string(255, 'x')));
    EXPECT_EQ(1u, count_warnings(ls, "cuts traces at 255 bytes"));
}

TEST_F(Trace, TraceOf255BytesIsNotWarned)
{
    boot();
    static const std::string fmt = std::string(255, 'y');
    in_task([] { adl_trcPrint(1, fmt.c_str()); });
    auto ls = lines();
    EXPECT_EQ(1u, count_tag_text(ls, "T1", fmt));
    EXPECT_EQ(0u, count_warnings(ls, "255"));
}

TEST_F(Trace, TraceWithPercentSWarnsOncePerCallSite)
{
    boot();
    in_task([] {
        for (int i = 0; i < 2; i++)
            TRACE((1, "user=%s id=%d", "bob", i));
        TRACE((1, "host=%-10s.", "mail"));
    });
    auto ls = lines();
    EXPECT_EQ(1u, count_tag_text(ls, "T1", "user=bob id=0"));
    EXPECT_EQ(1u, count_tag_text(ls, "T1", "user=bob id=1"));
    EXPECT_EQ(1u, count_tag_text(ls, "T1", "host=mail      ."));
    EXPECT_EQ(1u, count_warnings(ls, "\"user=%s id=%d\" uses %s"));
    EXPECT_EQ(1u, count_warnings(ls, "\"host=%-10s.\" uses %s"));
}

TEST_F(Trace, TraceWithPercentPercentSIsNotWarned)
{
    boot();
    in_task([] { TRACE((1, "100%%sure %d", 1)); });
    auto ls = lines();
    EXPECT_EQ(1u, count_tag_text(ls, "T1", "100%sure 1"));
    EXPECT_EQ(0u, count_warnings(ls, "uses %s"));
}

TEST_F(Trace, TraceWithPercentSWarnedEvenWhenLevelHidden)
{
    boot({ "--trace=none" });
    in_task([] { TRACE((1, "hidden %s", "x")); });
    EXPECT_EQ(1u, count_warnings(lines(), "\"hidden %s\" uses %s"));
}

TEST_F(Trace, TraceFromManyThreadsWarnsOnceAndLosesNothing)
{
    boot();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++)
        threads.emplace_back([] {
            for (int i = 0; i < 100; i++)
                TRACE((7, "from %s", "thread"));
        });
    for (auto &th : threads)
        th.join();
    auto ls = lines();
    EXPECT_EQ(400u, count_tag_text(ls, "T7", "from thread"));
    EXPECT_EQ(1u, count_warnings(ls, "\"from %s\" uses %s"));
}

TEST_F(Trace, DumpWritesHexBytes16PerLine)
{
    boot();
    in_task([] {
        const u8 small[] = { 0x01, 0xAB, 0xFF };
        DUMP(2, small, sizeof small);
        u8 big[20];
        for (int i = 0; i < 20; i++)
            big[i] = (u8)i;
        DUMP(3, big, sizeof big);
    });
    auto ls = lines();
    EXPECT_EQ(1u, count_tag_text(ls, "T2", "01 AB FF"));
    EXPECT_EQ(1u, count_tag_text(ls, "T3", "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"));
    EXPECT_EQ(1u, count_tag_text(ls, "T3", "10 11 12 13"));
}

TEST_F(Trace, DumpFollowsLevelFilterAndRejectsNullBuffer)
{
    boot({ "--trace=1" });
    in_task([] {
        const u8 b[] = { 0x42 };
        DUMP(2, b, 1);
        adl_trcDump(1, nullptr, 4);
        adl_trcDump(40, const_cast<u8 *>(b), 1);
    });
    auto ls = lines();
    EXPECT_EQ(0u, count_tag_text(ls, "T2", "42"));
    EXPECT_EQ(2u, count_warnings(ls, "adl_trcDump"));
}

TEST_F(Trace, FullTraceNeedsDebugFull)
{
    boot();
    in_task([] {
        FULL_TRACE((1, "full trace"));
        FULL_DUMP(1, "ab", 2);
    });
    auto ls = lines();
    EXPECT_EQ(0u, count_tag_text(ls, "T1", "full trace"));
    EXPECT_EQ(0u, count_tag_text(ls, "T1", "61 62"));
}

} // namespace
