// net_test.cpp: the stack-wide calls of wip_net.h around wip_debug: its port (from
// wip_netInitOpts or wip_debugSetPort) and its level (wip_debugSetTraceLevel).
#include "wip_fixture.h"

namespace {

class WipNet : public WipTest {};

std::string at_output()
{
    char *raw = oat_shim_output();
    std::string out = raw ? raw : "";
    oat_shim_free(raw);
    return out;
}

TEST_F(WipNet, DebugGoesToTheTraceByDefault)
{
    task([] { wip_debug("stack says %d", 1); });
    EXPECT_NE(std::string::npos, traces().find("stack says 1"));
}

TEST_F(WipNet, DebugSetPortMovesTheOutputToUart1AndBack)
{
    at_output();
    task([] { ASSERT_EQ(OK, wip_debugSetPort(WIP_NET_DEBUG_PORT_UART1)); });
    task([] { wip_debug("on the AT port"); });
    EXPECT_NE(std::string::npos, at_output().find("\r\non the AT port\r\n"));
    EXPECT_EQ(std::string::npos, traces().find("on the AT port"));
    task([] { ASSERT_EQ(OK, wip_debugSetPort(WIP_NET_DEBUG_PORT_TRACE)); });
    task([] { wip_debug("in the trace"); });
    EXPECT_NE(std::string::npos, traces().find("in the trace"));
}

TEST_F(WipNet, DebugSetPortRefusesAnUnknownPortWithATrace)
{
    task([] { EXPECT_EQ(ERROR, wip_debugSetPort(9)); });
    EXPECT_NE(std::string::npos, traces().find("wip_debugSetPort(9): not a WIP_NET_DEBUG_PORT_"));
    task([] { wip_debug("still traced"); });
    EXPECT_NE(std::string::npos, traces().find("still traced"));
}

TEST_F(WipNet, TraceLevelZeroSilencesDebugAndAnyOtherLevelShowsIt)
{
    task([] { ASSERT_EQ(OK, wip_debugSetTraceLevel(0)); });
    task([] { wip_debug("hidden"); });
    EXPECT_EQ(std::string::npos, traces().find("hidden"));
    task([] { ASSERT_EQ(OK, wip_debugSetTraceLevel(3)); });
    task([] { wip_debug("shown"); });
    EXPECT_NE(std::string::npos, traces().find("shown"));
}

TEST_F(WipNet, TheDebugSettingsLastOneRun)
{
    task([] { wip_debugSetTraceLevel(0); });
    oat_shim_stop();
    boot();
    task([] { wip_debug("after a new boot"); });
    EXPECT_NE(std::string::npos, traces().find("after a new boot"));
}

}  // namespace
