// not_provided_test.cpp: the ADL services oatemu does not model yet link, leave one trace
// naming the call and docs/api-coverage.md, and return ADL_RET_ERR_NOT_SUPPORTED.
#include <gtest/gtest.h>

#include <string>

#include "shim.h"

namespace {

void entry() {}
const adl_InitTasks_t kTasks[] = {
    { entry, 8192, "main", 1 },
    { nullptr, 0, nullptr, 0 },
};

class NotProvided : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, nullptr));
        traces();
    }
    void TearDown() override { oat_shim_stop(); }
    std::string traces()
    {
        char *raw = oat_shim_traces();
        std::string s = raw ? raw : "";
        oat_shim_free(raw);
        return s;
    }
    void expect_trace(const char *fn)
    {
        std::string t = traces();
        EXPECT_NE(std::string::npos,
                  t.find(std::string(fn) + ": not provided by oatemu (listed as missing in "
                                           "docs/api-coverage.md)"))
            << t;
    }
};

TEST_F(NotProvided, EachServiceFailsWithNotSupportedAndATrace)
{
    adl_busSPISettings_t spi{};
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_busSubscribe(ADL_BUS_ID_SPI, 1, &spi));
    expect_trace("adl_busSubscribe");
    adl_ioDefs_t gpio = ADL_IO_GPIO | 21 | ADL_IO_DIR_OUT;
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_ioSubscribe(1, &gpio, 0, 0, 0));
    expect_trace("adl_ioSubscribe");
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_smsSend(0, (ascii *)"+33600000000", (ascii *)"hi",
                                                     ADL_SMS_MODE_TEXT));
    expect_trace("adl_smsSend");
    s32 mv = 0;
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_adcAnalogRead(0, &mv));
    expect_trace("adl_adcAnalogRead");
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_wdActiveAppWd(ADL_TMR_S_TO_TICK(30)));
    expect_trace("adl_wdActiveAppWd");
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_callHangUp());
    expect_trace("adl_callHangUp");
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_adSubscribe(1, 100));
    expect_trace("adl_adSubscribe");
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_extintRead(0, nullptr));
    expect_trace("adl_extintRead");
    EXPECT_EQ(ADL_RET_ERR_NOT_SUPPORTED, adl_irqUnsubscribe(0));
    expect_trace("adl_irqUnsubscribe");
}

}  // namespace
