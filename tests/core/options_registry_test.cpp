// The option registry (core/config.h) with options of its own: registration, variables then
// flags, the generated help, refusal of a name registered twice, and messages for bad values.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

extern "C" {
#include "core/config.h"
}

namespace {

std::string level = "unset";
bool verbose;

void LevelReset() { level = "low"; }
int LevelSet(const char *v, char *err, size_t errlen)
{
    if (strcmp(v, "low") && strcmp(v, "high"))
        return oat_option_fail(err, errlen, "--test-level: '%s' is neither low nor high", v);
    level = v;
    return 0;
}

void VerboseReset() { verbose = false; }
int VerboseSet(const char *v, char *err, size_t errlen)
{
    if (oat_parse_bool(v, &verbose))
        return oat_option_fail(err, errlen, "--test-verbose: '%s' is not 0/1/on/off", v);
    return 0;
}

const oat_option test_options[] = {
    { "test-level", { "OATEMU_TEST_LEVEL", "TEST_LEVEL_ALIAS" }, "low|high",
      "how loud the test is\n(default low)", LevelSet, LevelReset, false, true },
    { "test-verbose", { "OATEMU_TEST_VERBOSE" }, nullptr, "say more", VerboseSet, VerboseReset,
      true, false },
};

void RegisterOnce()
{
    static const int rc = oat_config_register(test_options, 2);
    ASSERT_EQ(rc, 0);
    oat_config_defaults("registry");
}

int Load(std::initializer_list<const char *> args, std::string *err = nullptr)
{
    char *argv[8] = { const_cast<char *>("app") };
    int argc = 1;
    for (const char *a : args)
        argv[argc++] = const_cast<char *>(a);
    char buf[256] = "";
    int rc = oat_config_load(argc, argv, buf, sizeof buf);
    if (err)
        *err = buf;
    return rc;
}

TEST(OptionsRegistry, RegisteredOptionsGetTheirDefaultsAndTheirFlags)
{
    RegisterOnce();
    EXPECT_EQ(level, "low");
    EXPECT_FALSE(verbose);
    ASSERT_EQ(Load({ "--test-level=high", "--test-verbose" }), 0);
    EXPECT_EQ(level, "high");
    EXPECT_TRUE(verbose);
    oat_config_defaults("registry");
    EXPECT_EQ(level, "low");
    EXPECT_STREQ(oat_config_app_name(), "registry");
}

TEST(OptionsRegistry, VariableAppliesAndTheFlagWins)
{
    RegisterOnce();
    setenv("OATEMU_TEST_LEVEL", "high", 1);
    setenv("OATEMU_TEST_VERBOSE", "1", 1);
    int rc = Load({ "--test-verbose=0" });
    unsetenv("OATEMU_TEST_LEVEL");
    unsetenv("OATEMU_TEST_VERBOSE");
    ASSERT_EQ(rc, 0);
    EXPECT_EQ(level, "high");
    EXPECT_FALSE(verbose);
}

TEST(OptionsRegistry, FirstVariableWinsOverItsAliases)
{
    RegisterOnce();
    setenv("TEST_LEVEL_ALIAS", "high", 1);
    ASSERT_EQ(Load({}), 0);
    EXPECT_EQ(level, "high");
    setenv("OATEMU_TEST_LEVEL", "low", 1);
    ASSERT_EQ(Load({}), 0);
    unsetenv("TEST_LEVEL_ALIAS");
    unsetenv("OATEMU_TEST_LEVEL");
    EXPECT_EQ(level, "low");
}

TEST(OptionsRegistry, HelpShowsEachOptionWithItsValueVariablesAndText)
{
    RegisterOnce();
    std::string help = oat_config_help();
    for (const char *part : { "--test-level=low|high", "OATEMU_TEST_LEVEL (also TEST_LEVEL_ALIAS)",
                              "how loud the test is\n", "      (default low)\n", "--test-verbose ",
                              "OATEMU_TEST_VERBOSE", "say more", "--help" })
        EXPECT_NE(help.find(part), std::string::npos) << part << " in\n" << help;
    EXPECT_LT(help.find("--test-level"), help.find("--test-verbose"));
}

TEST(OptionsRegistry, FlagRegisteredTwiceIsRefusedLoudlyAndNothingOfTheTableIsAdded)
{
    RegisterOnce();
    static const oat_option again[] = {
        { "test-other", { "OATEMU_TEST_OTHER" }, "<x>", "", LevelSet, nullptr, false, false },
        { "test-level", { "OATEMU_TEST_LEVEL2" }, "<x>", "", LevelSet, nullptr, false, false },
    };
    testing::internal::CaptureStderr();
    EXPECT_EQ(oat_config_register(again, 2), -1);
    std::string said = testing::internal::GetCapturedStderr();
    EXPECT_NE(said.find("--test-level registered twice"), std::string::npos) << said;
    std::string err;
    EXPECT_EQ(Load({ "--test-other=low" }, &err), -1);
    EXPECT_NE(err.find("unknown option --test-other"), std::string::npos) << err;
}

TEST(OptionsRegistry, VariableRegisteredTwiceIsRefusedLoudly)
{
    RegisterOnce();
    static const oat_option again[] = {
        { "test-fresh", { "TEST_LEVEL_ALIAS" }, "<x>", "", LevelSet, nullptr, false, false },
    };
    testing::internal::CaptureStderr();
    EXPECT_EQ(oat_config_register(again, 1), -1);
    std::string said = testing::internal::GetCapturedStderr();
    EXPECT_NE(said.find("TEST_LEVEL_ALIAS of --test-fresh registered twice"), std::string::npos)
        << said;
}

TEST(OptionsRegistry, BadValuesNameTheOptionAndTheVariableTheyCameFrom)
{
    RegisterOnce();
    std::string err;
    EXPECT_EQ(Load({ "--test-level=loud" }, &err), -1);
    EXPECT_EQ(err, "--test-level: 'loud' is neither low nor high");
    EXPECT_EQ(Load({ "--test-level" }, &err), -1);
    EXPECT_EQ(err, "--test-level needs a value (--test-level=...)");
    setenv("OATEMU_TEST_VERBOSE", "maybe", 1);
    EXPECT_EQ(Load({}, &err), -1);
    unsetenv("OATEMU_TEST_VERBOSE");
    EXPECT_EQ(err, "--test-verbose: 'maybe' is not 0/1/on/off (from OATEMU_TEST_VERBOSE)");
}

TEST(OptionsRegistry, OnlyLiveOptionsChangeOnARunningModule)
{
    RegisterOnce();
    char err[128] = "";
    EXPECT_EQ(oat_config_set_active("test-level", "high", err, sizeof err), 0) << err;
    EXPECT_EQ(level, "high");
    EXPECT_EQ(oat_config_set_active("test-verbose", "1", err, sizeof err), -1);
    EXPECT_STREQ(err, "--test-verbose cannot change on a running module");
    EXPECT_FALSE(verbose);
}

}  // namespace
