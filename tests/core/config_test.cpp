// Configuration (behaviour §8): every layer's options through the registry: defaults, OATEMU_*
// variables, flags, and clear refusals.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

extern "C" {
#include "adl/adl_options.h"
#include "core/config.h"
#include "core/core_options.h"
#include "host/options.h"
#include "wip/wip_options.h"
}

namespace {

// Every layer's options registered, each back to its default (app_name names the flash path).
void Defaults(const char *app_name)
{
    ASSERT_EQ(oat_options_register_all(), 0);
    oat_config_defaults(app_name);
}

int Load(std::initializer_list<const char *> args, std::string *err = nullptr)
{
    char *argv[32] = { const_cast<char *>("app") };
    int argc = 1;
    for (const char *a : args)
        argv[argc++] = const_cast<char *>(a);
    char buf[512] = "";
    int rc = oat_config_load(argc, argv, buf, sizeof buf);
    if (err)
        *err = buf;
    return rc;
}

TEST(Config, DefaultsAreRealClockStdioAllTraceLevels)
{
    Defaults("hello");
    EXPECT_FALSE(oat_core_cfg()->clock_virtual);
    EXPECT_STREQ(oat_adl_cfg()->at, "stdio");
    EXPECT_EQ(oat_core_cfg()->trace_levels, 0xFFFFFFFFu);
    EXPECT_LT(oat_core_cfg()->run_for_us, 0);
    EXPECT_NE(std::string(oat_adl_cfg()->flash_dir).find("oatemu/hello/flash"), std::string::npos);
    EXPECT_EQ(oat_adl_cfg()->creg_status, 1);
}

TEST(Config, FlagsSetEveryDocumentedOption)
{
    Defaults("app");
    ASSERT_EQ(Load({ "--clock=virtual", "--run-for=2h", "--at=tcp:7000", "--flash-dir=/tmp/f",
                         "--trace=1-3,16,file:/tmp/t.log", "--calls", "--sim-pin=1234", "--creg=5",
                         "--rtc=2024-02-29T12:00:00", "--host-map=smtp.example.com:465=127.0.0.1:8465",
                         "--expose=25:2525", "--bearer=delay=2s" }), 0);
    const oat_core_config *core = oat_core_cfg();
    const oat_adl_config *adl = oat_adl_cfg();
    const oat_wip_config *wip = oat_wip_cfg();
    EXPECT_TRUE(core->clock_virtual);
    EXPECT_EQ(core->run_for_us, 7200LL * 1000000);
    EXPECT_STREQ(adl->at, "tcp:7000");
    EXPECT_STREQ(adl->flash_dir, "/tmp/f");
    EXPECT_EQ(core->trace_levels, 0x7u | (1u << 15));
    EXPECT_STREQ(core->trace_file, "/tmp/t.log");
    EXPECT_TRUE(core->calls);
    EXPECT_STREQ(adl->sim_pin, "1234");
    EXPECT_EQ(adl->creg_status, 5);
    EXPECT_EQ(adl->rtc_start, 1709208000);
    EXPECT_STREQ(wip->host_map, "smtp.example.com:465=127.0.0.1:8465");
    EXPECT_STREQ(wip->expose, "25:2525");
    EXPECT_STREQ(wip->bearer, "delay=2s");
}

TEST(Config, FlagWinsOverEnvironmentVariable)
{
    setenv("OATEMU_CLOCK", "virtual", 1);
    setenv("OATEMU_RUN_FOR", "30s", 1);
    Defaults("app");
    ASSERT_EQ(Load({ "--clock=real" }), 0);
    unsetenv("OATEMU_CLOCK");
    unsetenv("OATEMU_RUN_FOR");
    EXPECT_FALSE(oat_core_cfg()->clock_virtual);
    EXPECT_EQ(oat_core_cfg()->run_for_us, 30LL * 1000000);
}

TEST(Config, SlowTimeIsAnOptionWithTheOldVariable)
{
    Defaults("app");
    EXPECT_FALSE(oat_core_cfg()->slow_time);
    setenv("OATEMU_SLOW_TIME", "1", 1);
    int rc = Load({});
    unsetenv("OATEMU_SLOW_TIME");
    ASSERT_EQ(rc, 0);
    EXPECT_TRUE(oat_core_cfg()->slow_time);
    ASSERT_EQ(Load({ "--slow-time=0" }), 0);
    EXPECT_FALSE(oat_core_cfg()->slow_time);
}

TEST(Config, SslKeylogVariableWinsOverSslKeylogFile)
{
    Defaults("app");
    setenv("SSLKEYLOGFILE", "/tmp/generic.keys", 1);
    ASSERT_EQ(Load({}), 0);
    EXPECT_STREQ(oat_wip_cfg()->ssl_keylog, "/tmp/generic.keys");
    setenv("OATEMU_SSL_KEYLOG", "/tmp/oatemu.keys", 1);
    int rc = Load({});
    unsetenv("SSLKEYLOGFILE");
    unsetenv("OATEMU_SSL_KEYLOG");
    ASSERT_EQ(rc, 0);
    EXPECT_STREQ(oat_wip_cfg()->ssl_keylog, "/tmp/oatemu.keys");
}

TEST(Config, OnlyTheBearerChangesOnARunningModule)
{
    Defaults("app");
    char err[128] = "";
    EXPECT_EQ(oat_config_set_active("bearer", "delay=3s", err, sizeof err), 0) << err;
    EXPECT_STREQ(oat_wip_cfg()->bearer, "delay=3s");
    EXPECT_EQ(oat_config_set_active("creg", "5", err, sizeof err), -1);
    EXPECT_STREQ(err, "--creg cannot change on a running module");
    EXPECT_EQ(oat_adl_cfg()->creg_status, 1);
}

TEST(Config, TraceNoneShowsNoLevel)
{
    Defaults("app");
    ASSERT_EQ(Load({ "--trace=none" }), 0);
    EXPECT_EQ(oat_core_cfg()->trace_levels, 0u);
}

TEST(Config, BadValuesAreRefusedWithTheOptionNamed)
{
    struct { const char *arg, *expect; } cases[] = {
        { "--clock=fast", "--clock" },      { "--run-for=soon", "--run-for" },
        { "--at=serial", "--at" },          { "--trace=0", "--trace" },
        { "--trace=5-40", "--trace" },      { "--sim-pin=12a4", "--sim-pin" },
        { "--creg=2", "--creg" },           { "--rtc=yesterday", "--rtc" },
        { "--frobnicate=1", "unknown option" }, { "stray", "unexpected argument" },
        { "--at", "needs a value" },
    };
    for (const auto &k : cases) {
        Defaults("app");
        std::string err;
        EXPECT_EQ(Load({ k.arg }, &err), -1) << k.arg;
        EXPECT_NE(err.find(k.expect), std::string::npos) << k.arg << ": " << err;
    }
}

TEST(Config, BadEnvironmentVariableIsNamed)
{
    setenv("OATEMU_AT", "serial", 1);
    Defaults("app");
    std::string err;
    EXPECT_EQ(Load({}, &err), -1);
    unsetenv("OATEMU_AT");
    EXPECT_NE(err.find("OATEMU_AT"), std::string::npos) << err;
}

TEST(Config, DurationsAcceptTheDocumentedUnits)
{
    int64_t us = 0;
    EXPECT_EQ(oat_parse_duration_us("500ms", &us), 0);
    EXPECT_EQ(us, 500000);
    EXPECT_EQ(oat_parse_duration_us("1d", &us), 0);
    EXPECT_EQ(us, 86400LL * 1000000);
    EXPECT_EQ(oat_parse_duration_us("1.5s", &us), 0);
    EXPECT_EQ(us, 1500000);
    EXPECT_EQ(oat_parse_duration_us("5m", &us), 0);
    EXPECT_EQ(us, 300LL * 1000000);
    EXPECT_EQ(oat_parse_duration_us("-1s", &us), -1);
    EXPECT_EQ(oat_parse_duration_us("3 weeks", &us), -1);
}

TEST(Config, DurationsAreDecimalDigitsWithAUnitOnly)
{
    int64_t us = 7;
    for (const char *bad : { "nan", "inf", "0x10", "1e3", " 5s", "+5s", "1.s", ".5s", "", "s",
                             "99999999999999999999d" })
        EXPECT_EQ(oat_parse_duration_us(bad, &us), -1) << bad;
    EXPECT_EQ(us, 7);
    EXPECT_EQ(oat_parse_duration_us("2h", &us), 0);
    EXPECT_EQ(us, 7200LL * 1000000);
    EXPECT_EQ(oat_parse_duration_us("10", &us), 0);
    EXPECT_EQ(us, 10LL * 1000000);
}

TEST(Config, HostMapEntriesHaveANameAnAddressAndPortsInRange)
{
    oat_host_map_item item;
    for (const char *bad : { "a:xyz=1.2.3.4:25", "a:99999=1.2.3.4:25", "a=1.2.3.4:25:26",
                             "a=1.2.3.4:0", "=1.2.3.4:25", "a=:25", "a=1.2.3.4", "a:=h:1" })
        EXPECT_EQ(oat_host_map_entry(bad, strlen(bad), &item), -1) << bad;
    const char *v6 = "mail.example.com:465=::1:8465";
    ASSERT_EQ(oat_host_map_entry(v6, strlen(v6), &item), 0);
    EXPECT_STREQ(item.name, "mail.example.com");
    EXPECT_EQ(item.from_port, 465);
    EXPECT_STREQ(item.addr, "::1");
    EXPECT_EQ(item.to_port, 8465);
}

TEST(Config, HelpListsEveryFlagWithItsVariable)
{
    Defaults("app");
    std::string help = oat_config_help();
    for (const char *flag : { "--clock", "--run-for", "--at", "--flash-dir", "--trace", "--calls",
                              "--host-map", "--expose", "--bearer", "--sim-pin", "--creg", "--rtc" })
        EXPECT_NE(help.find(flag), std::string::npos) << flag;
    for (const char *var : { "OATEMU_CLOCK", "OATEMU_RUN_FOR", "OATEMU_AT", "OATEMU_FLASH_DIR",
                             "OATEMU_TRACE", "OATEMU_CALLS", "OATEMU_HOST_MAP", "OATEMU_EXPOSE",
                             "OATEMU_BEARER", "OATEMU_SIM_PIN", "OATEMU_CREG", "OATEMU_RTC" })
        EXPECT_NE(help.find(var), std::string::npos) << var;
}

}  // namespace
