// error_test.cpp: the error service: adl_errHalt resets the module unless the subscribed
// handler refuses, a halted task never returns to the application, backtraces, code names.
#include <gtest/gtest.h>

#include <string>

#include "shim.h"
extern "C" {
#include "adl/services.h"
#include "core/sched.h"
}

namespace {

void entry() {}
const adl_InitTasks_t kTasks[] = {{entry, 8192, "main", 1}, {nullptr, 0, nullptr, 0}};

// Run fn on the main task until it returns or the task halts (then it never returns).
void (*pending)();
void run_pending(void *) { pending(); }
void in_task(void (*fn)())
{
    pending = fn;
    ASSERT_EQ(0, oat_post(oat_task_main(), run_pending, nullptr, nullptr));
    oat_shim_settle();
}

std::string traces()
{
    char *raw = oat_shim_traces();
    std::string out = raw ? raw : "";
    oat_shim_free(raw);
    return out;
}

const ascii kBoom[] = "boom";
bool g_reached;
int g_handler_calls;
u16 g_id;
ascii *g_text;
bool g_answer;

bool record_handler(u16 id, ascii *text)
{
    g_handler_calls++;
    g_id = id;
    g_text = text;
    return g_answer;
}

bool halting_handler(u16, ascii *)
{
    g_handler_calls++;
    adl_errHalt(0x200, "from the handler");
    g_reached = true;
    return FALSE;
}

bool other_handler(u16, ascii *) { return TRUE; }

class Error : public ::testing::Test {
protected:
    void SetUp() override
    {
        g_reached = false;
        g_handler_calls = 0;
        g_id = 0;
        g_text = nullptr;
        g_answer = TRUE;
        boot();
    }
    void boot()
    {
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, nullptr));
        traces();
    }
    void TearDown() override { oat_shim_stop(); }
};

TEST_F(Error, HaltFromATaskStopsTheModuleAndNeverReturns)
{
    in_task([] {
        adl_errHalt(0x100, kBoom);
        g_reached = true;
    });
    EXPECT_FALSE(g_reached);
    EXPECT_FALSE(oat_shim_running());
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
    EXPECT_NE(std::string::npos, traces().find("adl_errHalt(0x100, \"boom\"): the module resets"));
}

TEST_F(Error, HandlerReturningFalseKeepsTheModuleRunning)
{
    g_answer = FALSE;
    in_task([] {
        EXPECT_EQ(OK, adl_errSubscribe(record_handler));
        adl_errHalt(0x1234, kBoom);
        g_reached = true;
    });
    EXPECT_TRUE(g_reached);
    EXPECT_EQ(1, g_handler_calls);
    EXPECT_EQ(0x1234, g_id);
    EXPECT_EQ(kBoom, g_text) << "the handler gets the application's string itself";
    EXPECT_TRUE(oat_shim_running());
    EXPECT_EQ(0, oat_shim_stop());
    std::string t = traces();
    EXPECT_EQ(std::string::npos, t.find("the module resets")) << t;
    EXPECT_NE(std::string::npos, t.find("the error handler returned FALSE")) << t;
}

TEST_F(Error, HandlerReturningTrueLetsTheResetHappen)
{
    g_answer = TRUE;
    in_task([] {
        adl_errSubscribe(record_handler);
        adl_errHalt(0x100, kBoom);
        g_reached = true;
    });
    EXPECT_EQ(1, g_handler_calls);
    EXPECT_FALSE(g_reached);
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
}

TEST_F(Error, SystemErrorIdFromTheApplicationIsTracedAsAWrongCall)
{
    in_task([] { adl_errHalt(ADL_ERR_MEM_GET, kBoom); });
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_errHalt(0x10, \"boom\"): ErrorID is below")) << t;
    EXPECT_NE(std::string::npos, t.find("the module resets")) << t;
}

TEST_F(Error, HaltInsideTheHandlerResetsAtOnce)
{
    in_task([] {
        adl_errSubscribe(halting_handler);
        adl_errHalt(0x100, kBoom);
    });
    EXPECT_EQ(1, g_handler_calls);
    EXPECT_FALSE(g_reached);
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
    EXPECT_NE(std::string::npos,
              traces().find("adl_errHalt(0x200, \"from the handler\"): the module resets"));
}

TEST_F(Error, OnlyOneHandlerIsSubscribedAtATime)
{
    in_task([] {
        EXPECT_EQ(ADL_RET_ERR_NOT_SUBSCRIBED, adl_errUnsubscribe(record_handler));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_errSubscribe(nullptr));
        EXPECT_EQ(OK, adl_errSubscribe(record_handler));
        EXPECT_EQ(ADL_RET_ERR_ALREADY_SUBSCRIBED, adl_errSubscribe(other_handler));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_errUnsubscribe(other_handler));
        EXPECT_EQ(OK, adl_errUnsubscribe(record_handler));
        EXPECT_EQ(OK, adl_errSubscribe(other_handler));
    });
    std::string t = traces();
    EXPECT_NE(std::string::npos, t.find("adl_errSubscribe(NULL): the handler is NULL")) << t;
    EXPECT_NE(std::string::npos, t.find("a handler is already subscribed")) << t;
    EXPECT_NE(std::string::npos, t.find("this is not the subscribed handler")) << t;
}

TEST_F(Error, HandlerIsForgottenWhenTheModuleStops)
{
    in_task([] { EXPECT_EQ(OK, adl_errSubscribe(record_handler)); });
    oat_shim_stop();
    boot();
    in_task([] {
        EXPECT_EQ(OK, adl_errSubscribe(other_handler));
        adl_errHalt(0x100, kBoom);
    });
    EXPECT_EQ(0, g_handler_calls);
}

TEST_F(Error, InternalErrorFromTheTestThreadAsksTheHandler)
{
    in_task([] { adl_errSubscribe(record_handler); });
    g_answer = FALSE;
    oat_err_raise(ADL_ERR_FLH_READ, "flash read");
    EXPECT_EQ(ADL_ERR_FLH_READ, g_id);
    EXPECT_TRUE(oat_shim_running());
    g_answer = TRUE;
    oat_err_raise(ADL_ERR_FLH_READ, "flash read");
    EXPECT_FALSE(oat_shim_running());
    EXPECT_NE(std::string::npos,
              traces().find("internal error 0x20 (\"flash read\"): the module resets"));
}

TEST_F(Error, BacktraceOfAHaltIsReadAfterTheReset)
{
    in_task([] {
        EXPECT_EQ(OK, adl_errEraseAllBacktraces());
        adl_errHalt(0x321, kBoom);
    });
    EXPECT_EQ(OAT_EXIT_HALT, oat_shim_stop());
    boot();
    in_task([] {
        EXPECT_EQ(ADL_ERR_ANALYSIS_STATE_IDLE, adl_errGetAnalysisState());
        s8 h = adl_errStartBacktraceAnalysis();
        ASSERT_GE(h, 0);
        EXPECT_EQ(ADL_ERR_ANALYSIS_STATE_RUNNING, adl_errGetAnalysisState());
        s32 need = adl_errRetrieveNextBacktrace((u8)h, nullptr, 0);
        ASSERT_GT(need, 0);
        u8 small[4];
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_errRetrieveNextBacktrace((u8)h, small, sizeof small));
        u8 buf[256];
        EXPECT_EQ(need, adl_errRetrieveNextBacktrace((u8)h, buf, sizeof buf));
        std::string bt(reinterpret_cast<char *>(buf));
        EXPECT_NE(std::string::npos, bt.find("error 0x0321 \"boom\" in task main")) << bt;
        EXPECT_EQ(ADL_RET_ERR_DONE, adl_errRetrieveNextBacktrace((u8)h, buf, sizeof buf));
        EXPECT_EQ(ADL_ERR_ANALYSIS_STATE_IDLE, adl_errGetAnalysisState());
        EXPECT_EQ(OK, adl_errEraseAllBacktraces());
        h = adl_errStartBacktraceAnalysis();
        EXPECT_EQ(ADL_RET_ERR_DONE, adl_errRetrieveNextBacktrace((u8)h, buf, sizeof buf));
    });
}

TEST_F(Error, BacktraceAnalysisRefusesAWrongHandleAndASecondStart)
{
    in_task([] {
        u8 buf[64];
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_errRetrieveNextBacktrace(0, buf, sizeof buf));
        s8 h = adl_errStartBacktraceAnalysis();
        ASSERT_GE(h, 0);
        EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_errStartBacktraceAnalysis());
        EXPECT_EQ(ADL_RET_ERR_BAD_STATE, adl_errEraseAllBacktraces());
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_errRetrieveNextBacktrace((u8)(h + 1), buf, 64));
    });
    EXPECT_NE(std::string::npos, traces().find("an analysis is already running"));
}

TEST(ErrorNames, EveryGenericCodeHasItsName)
{
    EXPECT_STREQ("OK", oat_adl_ret_name(OK));
    EXPECT_STREQ("ERROR", oat_adl_ret_name(ERROR));
    EXPECT_STREQ("ADL_RET_ERR_PARAM", oat_adl_ret_name(-2));
    EXPECT_STREQ("ADL_RET_ERR_OVERFLOW", oat_adl_ret_name(-12));
    EXPECT_STREQ("ADL_RET_ERR_NOT_SUPPORTED", oat_adl_ret_name(-13));
    EXPECT_STREQ("ADL_RET_ERR_NO_MORE_TIMERS", oat_adl_ret_name(-14));
    EXPECT_STREQ("ADL_RET_ERR_SERVICE_LOCKED", oat_adl_ret_name(-16));
    EXPECT_STREQ("ADL_RET_ERR_SPECIFIC_BASE", oat_adl_ret_name(-20));
    EXPECT_EQ(nullptr, oat_adl_ret_name(5));
}

TEST(ErrorNames, ErrorIdsHaveTheSdkValues)
{
    EXPECT_EQ(0x10, ADL_ERR_LEVEL_MEM);
    EXPECT_EQ(0x10, ADL_ERR_MEM_GET);
    EXPECT_EQ(0x11, ADL_ERR_MEM_RELEASE);
    EXPECT_EQ(0x12, ADL_ERR_MEM_INVALID_CALL);
    EXPECT_EQ(0x20, ADL_ERR_FLH_READ);
    EXPECT_EQ(0x21, ADL_ERR_FLH_DELETE);
    EXPECT_EQ(0x100, ADL_ERR_LEVEL_APP);
    EXPECT_EQ(-10, ADL_RET_ERR_NO_MORE_HANDLES);
    EXPECT_EQ(-11, ADL_RET_ERR_DONE);
}

}  // namespace
