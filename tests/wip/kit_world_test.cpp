// kit_world_test.cpp: the test kit's world controls (oatemu/testing.h) on a real WIP bearer: the
// network dropped by the test, a --bearer spec changed during the run, the RTC; and
// oatemu_boot without a linked application failing as the module's launch does.
#include "wip_fixture.h"

#include "oatemu/testing.h"

namespace {

class KitWorld : public WipTest {};

TEST_F(KitWorld, BearerDropGivesIpDisconnectedAndTheNextStartFollowsTheNewSpec)
{
    start_bearer();
    ASSERT_EQ(1, oatemu_bearer_drop());
    ASSERT_FALSE(bearer_events.empty());
    EXPECT_EQ(WIP_BEV_IP_DISCONNECTED, bearer_events.back());
    EXPECT_NE(std::string::npos, traces().find("bearer GPRS: dropped by the test"));
    EXPECT_EQ(0, oatemu_bearer_drop());

    ASSERT_EQ(0, oatemu_set_bearer("fail=no_carrier"));
    task([&] {
        s8 rc = wip_bearerStop(bearer);
        ASSERT_TRUE(rc == 0 || rc == WIP_BERR_OK_INPROGRESS) << (int)rc;
    });
    oatemu_advance_ms(100);
    bearer_events.clear();
    task([&] {
        s8 rc = wip_bearerStart(bearer);
        ASSERT_TRUE(rc == 0 || rc == WIP_BERR_OK_INPROGRESS) << (int)rc;
    });
    oatemu_advance_ms(5000);
    ASSERT_FALSE(bearer_events.empty());
    EXPECT_EQ(WIP_BEV_CONN_FAILED, bearer_events.back());
    s8 cause = 0;
    task([&] { ASSERT_EQ(0, wip_bearerGetOpts(bearer, WIP_BOPT_ERROR, &cause, WIP_BOPT_END)); });
    EXPECT_EQ(WIP_BERR_NO_CARRIER, cause);
}

TEST_F(KitWorld, ABadBearerSpecIsRefusedWithATrace)
{
    EXPECT_EQ(-1, oatemu_set_bearer("delay=soon"));
    EXPECT_NE(std::string::npos, traces().find("oatemu_set_bearer: --bearer: delay='soon'"));
    EXPECT_EQ(0, oatemu_set_bearer(""));
}

TEST_F(KitWorld, TheRtcTheTestSetsMovesWithTheEmulatedClock)
{
    ASSERT_EQ(0, oatemu_set_rtc(1767225600));
    oatemu_advance_ms(2000);
    EXPECT_EQ(1767225600 + 2, oatemu_rtc());
}

TEST(KitBoot, WithoutALinkedApplicationTheLaunchFails)
{
    EXPECT_EQ(-1, oatemu_boot(nullptr));
    EXPECT_FALSE(oatemu_running());
    EXPECT_EQ(-1, oatemu_set_rtc(0));
    EXPECT_EQ(-1, oatemu_bearer_drop());
}

}  // namespace
