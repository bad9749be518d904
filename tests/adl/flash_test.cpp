// flash_test.cpp: ADL flash objects: persistence across reboots in --flash-dir, handle and ID
// checks, the 30 KB object and total-space limits, erase, and the size/count queries.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "shim.h"
extern "C" {
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

const u32 kTotal = 256 * 1024;
const u16 kObjectMax = 30 * 1024;

class Flash : public ::testing::Test {
protected:
    std::string dir_;
    std::string flag_;

    void SetUp() override
    {
        char tmpl[] = "/tmp/oatemu-flash-test-XXXXXX";
        ASSERT_NE(nullptr, mkdtemp(tmpl));
        dir_ = std::string(tmpl) + "/nested/flash";   // created with its parents
        flag_ = "--flash-dir=" + dir_;
    }
    void boot()
    {
        const char *flags[] = { flag_.c_str(), nullptr };
        ASSERT_EQ(0, oat_shim_boot_tasks(kTasks, flags));
        traces();
    }
    void TearDown() override
    {
        oat_shim_stop();
        std::filesystem::remove_all(std::filesystem::path(dir_).parent_path().parent_path());
    }
};

TEST_F(Flash, FlashErrorCodesHaveModuleValues)
{
    EXPECT_EQ(-20, ADL_FLH_RET_ERR_OBJ_NOT_EXIST);
    EXPECT_EQ(-21, ADL_FLH_RET_ERR_MEM_FULL);
    EXPECT_EQ(-22, ADL_FLH_RET_ERR_NO_ENOUGH_IDS);
    EXPECT_EQ(-23, ADL_FLH_RET_ERR_ID_OUT_OF_RANGE);
    EXPECT_EQ(0xFFFF, ADL_FLH_ALL_IDS);
}

TEST_F(Flash, FlashObjectSurvivesReboot)
{
    boot();
    EXPECT_TRUE(std::filesystem::is_directory(dir_));
    in_task([] {
        EXPECT_EQ(OK, adl_flhSubscribe("cfg", 4));
        u8 data[] = "hello";
        EXPECT_EQ(OK, adl_flhWrite("cfg", 2, 5, data));
    });
    oat_shim_stop();
    boot();
    in_task([] {
        EXPECT_EQ(OK, adl_flhSubscribe("cfg", 4));
        EXPECT_EQ(5, adl_flhExist("cfg", 2));
        u8 back[5] = {};
        EXPECT_EQ(OK, adl_flhRead("cfg", 2, 5, back));
        EXPECT_EQ(std::string("hello"), std::string((char *)back, 5));
        EXPECT_EQ(kTotal - 5, adl_flhGetFreeMem());
    });
}

TEST_F(Flash, FlashSubscribeTwiceInOneRunIsAlreadySubscribed)
{
    boot();
    in_task([] {
        EXPECT_EQ(OK, adl_flhSubscribe("app", 2));
        EXPECT_EQ(ADL_RET_ERR_ALREADY_SUBSCRIBED, adl_flhSubscribe("app", 2));
        EXPECT_EQ(2, adl_flhGetIDCount("app"));
    });
    EXPECT_EQ(1u, count(traces(), "adl_flhSubscribe: Handle \"app\" is already subscribed"));
}

TEST_F(Flash, FlashRejectsNullEmptyOrLongerThan64CharacterHandle)
{
    boot();
    static const std::string h64(64, 'h'), h65(65, 'h');
    in_task([] {
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhSubscribe(nullptr, 1));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhSubscribe("", 1));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhSubscribe(h65.c_str(), 1));
        EXPECT_EQ(OK, adl_flhSubscribe(h64.c_str(), 1));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhSubscribe("zero", 0));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhExist(h65.c_str(), 0));
    });
    std::string tr = traces();
    EXPECT_EQ(1u, count(tr, "adl_flhSubscribe: Handle is NULL"));
    EXPECT_EQ(1u, count(tr, "adl_flhSubscribe: Handle is empty"));
    EXPECT_EQ(1u, count(tr, "adl_flhSubscribe: Handle \"hhhhhhhhhhhhhhhh...\" is longer than 64"));
    EXPECT_EQ(1u, count(tr, "NbObjectsRes is 0"));
    EXPECT_EQ(1u, count(tr, "adl_flhExist: Handle \"hhhhhhhhhhhhhhhh...\" is longer than 64"));
}

TEST_F(Flash, FlashHandlesOfDeployedApplicationsWorkAndSurviveReboot)
{
    static const char *const handles[] = { "ConfigurationString", "pubnub.subscribe",
                                           "trace.port", "sevenCh",
                                           "abcdefghijklmnopqrstuvwxyz012345" };
    boot();
    in_task([] {
        for (const char *h : handles) {
            u8 b[1] = { (u8)strlen(h) };
            EXPECT_EQ(OK, adl_flhSubscribe(h, 1)) << h;
            EXPECT_EQ(OK, adl_flhWrite(h, 0, 1, b)) << h;
        }
    });
    oat_shim_stop();
    boot();
    in_task([] {
        for (const char *h : handles) {
            u8 b[1] = { 0 };
            EXPECT_EQ(OK, adl_flhSubscribe(h, 1)) << h;
            EXPECT_EQ(OK, adl_flhRead(h, 0, 1, b)) << h;
            EXPECT_EQ(strlen(h), b[0]) << h;
        }
    });
}

TEST_F(Flash, FlashHandleBytesMapToSafeDistinctFileNames)
{
    // '.', '/', spaces, '%' and non-ASCII bytes; "a.b" and its encoding "a%2Eb" stay apart.
    static const char *const handles[] = { ".", "..", "a.b", "a%2Eb", "a/b", "a b", "\xc3\xa9t\xc3\xa9",
                                           "\x01\x7f\xff" };
    boot();
    in_task([] {
        u8 i = 0;
        for (const char *h : handles) {
            u8 b[1] = { i++ };
            EXPECT_EQ(OK, adl_flhSubscribe(h, 1)) << h;
            EXPECT_EQ(OK, adl_flhWrite(h, 0, 1, b)) << h;
        }
        i = 0;
        for (const char *h : handles) {
            u8 b[1] = { 0xEE };
            EXPECT_EQ(OK, adl_flhRead(h, 0, 1, b)) << h;
            EXPECT_EQ(i++, b[0]) << h;
        }
    });
    size_t dirs = 0;
    for (const auto &e : std::filesystem::directory_iterator(dir_)) {
        std::string name = e.path().filename().string();
        for (unsigned char c : name)
            EXPECT_TRUE(isalnum(c) || c == '_' || c == '-' || c == '%') << name;
        dirs++;
    }
    EXPECT_EQ(sizeof handles / sizeof handles[0], dirs);
}

TEST_F(Flash, FlashUnsubscribedHandleIsUnknown)
{
    boot();
    in_task([] {
        u8 b[1] = { 0 };
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_flhExist("nope", 0));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_flhWrite("nope", 0, 1, b));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_flhRead("nope", 0, 1, b));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_flhErase("nope", ADL_FLH_ALL_IDS));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_flhGetIDCount("nope"));
        EXPECT_EQ(ADL_RET_ERR_UNKNOWN_HDL, adl_flhGetUsedSize("nope", 0, 0));
    });
    EXPECT_EQ(6u, count(traces(), "\"nope\" is not subscribed"));
}

TEST_F(Flash, FlashIdAtOrPastReservedCountIsOutOfRange)
{
    boot();
    in_task([] {
        u8 b[1] = { 7 };
        EXPECT_EQ(OK, adl_flhSubscribe("ids", 2));
        EXPECT_EQ(OK, adl_flhWrite("ids", 1, 1, b));
        EXPECT_EQ(ADL_FLH_RET_ERR_ID_OUT_OF_RANGE, adl_flhWrite("ids", 2, 1, b));
        EXPECT_EQ(ADL_FLH_RET_ERR_ID_OUT_OF_RANGE, adl_flhExist("ids", 5));
        EXPECT_EQ(ADL_FLH_RET_ERR_ID_OUT_OF_RANGE, adl_flhRead("ids", 2, 1, b));
        EXPECT_EQ(ADL_FLH_RET_ERR_ID_OUT_OF_RANGE, adl_flhErase("ids", 2));
        EXPECT_EQ(ADL_FLH_RET_ERR_ID_OUT_OF_RANGE, adl_flhGetUsedSize("ids", 0, 2));
    });
    EXPECT_EQ(5u, count(traces(), "is out of range (2 IDs subscribed)"));
}

TEST_F(Flash, FlashAbsentObjectExistsWithLengthZeroAndCannotBeRead)
{
    boot();
    in_task([] {
        u8 b[4];
        EXPECT_EQ(OK, adl_flhSubscribe("abs", 3));
        EXPECT_EQ(0, adl_flhExist("abs", 0));
        EXPECT_EQ(ADL_FLH_RET_ERR_OBJ_NOT_EXIST, adl_flhRead("abs", 0, 4, b));
        EXPECT_EQ(ADL_FLH_RET_ERR_OBJ_NOT_EXIST, adl_flhErase("abs", 0));
    });
    EXPECT_EQ(2u, count(traces(), "ID 0: no such object"));
}

TEST_F(Flash, FlashReadTakesAPrefixButNotMoreThanTheObject)
{
    boot();
    in_task([] {
        u8 data[] = { 1, 2, 3, 4 };
        u8 b[8] = {};
        EXPECT_EQ(OK, adl_flhSubscribe("pre", 1));
        EXPECT_EQ(OK, adl_flhWrite("pre", 0, 4, data));
        EXPECT_EQ(OK, adl_flhRead("pre", 0, 2, b));
        EXPECT_EQ(1, b[0]);
        EXPECT_EQ(2, b[1]);
        EXPECT_EQ(0, b[2]);
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhRead("pre", 0, 5, b));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhRead("pre", 0, 0, b));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhRead("pre", 0, 4, nullptr));
    });
    std::string tr = traces();
    EXPECT_EQ(2u, count(tr, "is not 1..4 (the object's length)"));
    EXPECT_EQ(1u, count(tr, "ReadData is NULL"));
}

TEST_F(Flash, FlashWriteReplacesTheObject)
{
    boot();
    in_task([] {
        std::vector<u8> ten(10, 0xAA), three(3, 0x55);
        EXPECT_EQ(OK, adl_flhSubscribe("rep", 1));
        EXPECT_EQ(OK, adl_flhWrite("rep", 0, 10, ten.data()));
        EXPECT_EQ(OK, adl_flhWrite("rep", 0, 3, three.data()));
        EXPECT_EQ(3, adl_flhExist("rep", 0));
        EXPECT_EQ(kTotal - 3, adl_flhGetFreeMem());
        u8 b[3];
        EXPECT_EQ(OK, adl_flhRead("rep", 0, 3, b));
        EXPECT_EQ(0x55, b[2]);
    });
}

TEST_F(Flash, FlashObjectHoldsAtMost30KB)
{
    boot();
    in_task([] {
        std::vector<u8> big(kObjectMax + 1, 1);
        EXPECT_EQ(OK, adl_flhSubscribe("big", 1));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhWrite("big", 0, kObjectMax + 1, big.data()));
        EXPECT_EQ(OK, adl_flhWrite("big", 0, kObjectMax, big.data()));
        EXPECT_EQ((s32)kObjectMax, adl_flhExist("big", 0));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhWrite("big", 0, 0, big.data()));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhWrite("big", 0, 1, nullptr));
    });
    std::string tr = traces();
    EXPECT_EQ(1u, count(tr, "Len 30721 is not 1..30720"));
    EXPECT_EQ(1u, count(tr, "Len 0 is not 1..30720"));
    EXPECT_EQ(1u, count(tr, "WriteData is NULL"));
}

TEST_F(Flash, FlashFullIsMemFullAndFreeMemCountsDown)
{
    boot();
    in_task([] {
        std::vector<u8> block(kObjectMax, 3);
        EXPECT_EQ(kTotal, adl_flhGetFreeMem());
        EXPECT_EQ(OK, adl_flhSubscribe("fill", 10));
        for (u16 id = 0; id < 8; id++)
            EXPECT_EQ(OK, adl_flhWrite("fill", id, kObjectMax, block.data()));
        u32 left = kTotal - 8u * kObjectMax;
        EXPECT_EQ(left, adl_flhGetFreeMem());
        EXPECT_EQ(ADL_FLH_RET_ERR_MEM_FULL, adl_flhWrite("fill", 8, (u16)(left + 1), block.data()));
        EXPECT_EQ(0, adl_flhExist("fill", 8));
        EXPECT_EQ(OK, adl_flhWrite("fill", 8, (u16)left, block.data()));
        EXPECT_EQ(0u, adl_flhGetFreeMem());
        // Replacing an object by one of the same size still fits.
        EXPECT_EQ(OK, adl_flhWrite("fill", 0, kObjectMax, block.data()));
        EXPECT_EQ((s32)kTotal, adl_flhGetUsedSize(nullptr, 0, 0));
    });
    EXPECT_EQ(1u, count(traces(), "does not fit"));
}

TEST_F(Flash, FlashUsedSpaceCountsObjectsOfEarlierRuns)
{
    boot();
    in_task([] {
        std::vector<u8> block(1000, 9);
        EXPECT_EQ(OK, adl_flhSubscribe("old", 1));
        EXPECT_EQ(OK, adl_flhWrite("old", 0, 1000, block.data()));
    });
    oat_shim_stop();
    boot();
    in_task([] { EXPECT_EQ(kTotal - 1000, adl_flhGetFreeMem()); });
}

TEST_F(Flash, FlashEraseAllIdsEmptiesTheHandleOnly)
{
    boot();
    in_task([] {
        u8 b[2] = { 1, 2 };
        EXPECT_EQ(OK, adl_flhSubscribe("era", 3));
        EXPECT_EQ(OK, adl_flhSubscribe("keep", 1));
        for (u16 id = 0; id < 3; id++)
            EXPECT_EQ(OK, adl_flhWrite("era", id, 2, b));
        EXPECT_EQ(OK, adl_flhWrite("keep", 0, 1, b));
        EXPECT_EQ(6, adl_flhGetUsedSize("era", 0, 2));
        EXPECT_EQ(OK, adl_flhErase("era", 1));
        EXPECT_EQ(0, adl_flhExist("era", 1));
        EXPECT_EQ(4, adl_flhGetUsedSize("era", 0, 2));
        EXPECT_EQ(OK, adl_flhErase("era", ADL_FLH_ALL_IDS));
        for (u16 id = 0; id < 3; id++)
            EXPECT_EQ(0, adl_flhExist("era", id));
        EXPECT_EQ(OK, adl_flhErase("era", ADL_FLH_ALL_IDS));
        EXPECT_EQ(1, adl_flhExist("keep", 0));
        EXPECT_EQ(kTotal - 1, adl_flhGetFreeMem());
    });
}

TEST_F(Flash, FlashIdsAreAPoolSharedByAllHandles)
{
    boot();
    in_task([] {
        EXPECT_EQ(2048, adl_flhGetIDCount(nullptr));
        EXPECT_EQ(OK, adl_flhSubscribe("a", 2000));
        EXPECT_EQ(48, adl_flhGetIDCount(nullptr));
        EXPECT_EQ(ADL_FLH_RET_ERR_NO_ENOUGH_IDS, adl_flhSubscribe("b", 49));
        EXPECT_EQ(OK, adl_flhSubscribe("b", 48));
        EXPECT_EQ(0, adl_flhGetIDCount(nullptr));
        EXPECT_EQ(48, adl_flhGetIDCount("b"));
    });
    EXPECT_EQ(1u, count(traces(), "NbObjectsRes 49 exceeds the 48 IDs left"));
}

TEST_F(Flash, FlashUsedSizeRejectsStartAfterEnd)
{
    boot();
    in_task([] {
        EXPECT_EQ(OK, adl_flhSubscribe("rng", 4));
        EXPECT_EQ(ADL_RET_ERR_PARAM, adl_flhGetUsedSize("rng", 3, 1));
        EXPECT_EQ(0, adl_flhGetUsedSize("rng", 0, 3));
    });
    EXPECT_EQ(1u, count(traces(), "StartID 3 is after EndID 1"));
}

TEST_F(Flash, FlashHandleWithPathCharactersStaysInsideFlashDir)
{
    boot();
    in_task([] {
        u8 b[1] = { 1 };
        EXPECT_EQ(OK, adl_flhSubscribe("../x", 1));
        EXPECT_EQ(OK, adl_flhWrite("../x", 0, 1, b));
        EXPECT_EQ(1, adl_flhExist("../x", 0));
    });
    EXPECT_TRUE(std::filesystem::is_regular_file(dir_ + "/%2E%2E%2Fx/0"));
}

TEST_F(Flash, FlashUnusableDirectoryIsReportedAndStopsBoot)
{
    std::string file = std::filesystem::path(dir_).parent_path().parent_path().string() + "/file";
    FILE *f = fopen(file.c_str(), "w");
    ASSERT_NE(nullptr, f);
    fclose(f);
    std::string flag = "--flash-dir=" + file + "/sub";
    const char *flags[] = { flag.c_str(), nullptr };
    EXPECT_EQ(-1, oat_shim_boot_tasks(kTasks, flags));
    EXPECT_EQ(1u, count(traces(), "flash: cannot create flash directory \"" + file + "/sub\": Not a directory"));
}

} // namespace
