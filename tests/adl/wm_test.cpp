// wm_test.cpp: the wm_* helpers of wm_stdio.h and the wm_lst* lists of wm_list.h, called
// directly (they need no running module): conversions, checks, parsing, list rules.
#include <gtest/gtest.h>

#include <string>

#include "adl_memory.h"
#include "wm_list.h"
#include "wm_stdio.h"
extern "C" {
#include "adl/services.h"
#include "core/log.h"
}

namespace {

// Trace lines written while fn ran.
template <typename F> std::string traces_of(F fn)
{
    oat_log_capture(true);
    free(oat_log_take_capture());
    fn();
    char *raw = oat_log_take_capture();
    std::string out = raw ? raw : "";
    free(raw);
    oat_log_capture(false);
    return out;
}

TEST(WmStr, ItoaWritesDecimalDownToTheMostNegativeValue)
{
    char buf[16];
    EXPECT_EQ(buf, wm_itoa(0, buf));
    EXPECT_STREQ("0", buf);
    EXPECT_STREQ("-42", wm_itoa(-42, buf));
    EXPECT_STREQ("2147483647", wm_itoa(INT32_MAX, buf));
    EXPECT_STREQ("-2147483648", wm_itoa(INT32_MIN, buf));
}

TEST(WmStr, CharacterChecksReturnTheCharacterOrZero)
{
    EXPECT_EQ('a', wm_isascii('a'));
    EXPECT_EQ(0, wm_isascii((ascii)0xE9));
    EXPECT_EQ('F', wm_ishexa('F'));
    EXPECT_EQ('b', wm_ishexa('b'));
    EXPECT_EQ(0, wm_ishexa('g'));
}

TEST(WmStr, StringChecksNeedAtLeastOneCharacterAndOnlyAcceptedOnes)
{
    char num[] = "0123", notnum[] = "12a", empty[] = "";
    char hexa[] = "0aF9", nothexa[] = "0x12";
    char phone[] = "+33612*#", plus_inside[] = "33+612", letters[] = "06abc";
    EXPECT_TRUE(wm_isnumstring(num));
    EXPECT_FALSE(wm_isnumstring(notnum));
    EXPECT_FALSE(wm_isnumstring(empty));
    EXPECT_TRUE(wm_ishexastring(hexa));
    EXPECT_FALSE(wm_ishexastring(nothexa));
    EXPECT_FALSE(wm_ishexastring(empty));
    EXPECT_TRUE(wm_isphonestring(phone));
    EXPECT_FALSE(wm_isphonestring(plus_inside));
    EXPECT_FALSE(wm_isphonestring(letters));
    std::string t = traces_of([] { EXPECT_FALSE(wm_isnumstring(nullptr)); });
    EXPECT_NE(std::string::npos, t.find("wm_isnumstring(NULL): the string is NULL")) << t;
}

TEST(WmStr, HexatoiReadsLenDigitsAndGivesZeroOnError)
{
    char s[] = "1A2b3C4d";
    EXPECT_EQ(0x1Au, wm_hexatoi(s, 2));
    EXPECT_EQ(0x1A2B3C4Du, wm_hexatoi(s, 8));
    char bad[] = "12G4";
    EXPECT_EQ(0u, wm_hexatoi(bad, 4));
    char shorter[] = "12";
    EXPECT_EQ(0u, wm_hexatoi(shorter, 4));
    std::string t = traces_of([&] { EXPECT_EQ(0u, wm_hexatoi(s, 9)); });
    EXPECT_NE(std::string::npos, t.find("len must be 1..8 digits")) << t;
}

TEST(WmStr, HexatoibufTakesEvenLengthHexOnly)
{
    u8 out[4] = {0};
    char s[] = "00ff7E";
    EXPECT_EQ(out, wm_hexatoibuf(out, s));
    EXPECT_EQ(0x00, out[0]);
    EXPECT_EQ(0xFF, out[1]);
    EXPECT_EQ(0x7E, out[2]);
    char odd[] = "abc", nothex[] = "zz";
    EXPECT_EQ(nullptr, wm_hexatoibuf(out, odd));
    EXPECT_EQ(nullptr, wm_hexatoibuf(out, nothex));
}

TEST(WmStr, ItohexaZeroPadsToLenInUpperCase)
{
    char buf[16];
    EXPECT_EQ(buf, wm_itohexa(buf, 0xAB, 4));
    EXPECT_STREQ("00AB", buf);
    EXPECT_STREQ("DEADBEEF", wm_itohexa(buf, 0xDEADBEEFu, 8));
    EXPECT_STREQ("EF", wm_itohexa(buf, 0xDEADBEEFu, 2));
    EXPECT_STREQ("0000000001", wm_itohexa(buf, 1, 10));
}

TEST(WmStr, IbuftohexaWritesTwoDigitsPerByte)
{
    u8 bytes[] = {0x00, 0x1f, 0xA0, 0xff};
    char buf[16];
    EXPECT_EQ(buf, wm_ibuftohexa(buf, bytes, 4));
    EXPECT_STREQ("001FA0FF", buf);
    EXPECT_STREQ("", wm_ibuftohexa(buf, bytes, 0));
}

TEST(WmStr, StrSwitchGivesTheOneBasedIndexOrZero)
{
    EXPECT_EQ(1, wm_strSwitch("ON", "ON", "OFF", (char *)NULL));
    EXPECT_EQ(2, wm_strSwitch("OFF", "ON", "OFF", (char *)NULL));
    EXPECT_EQ(0, wm_strSwitch("on", "ON", "OFF", (char *)NULL));
    EXPECT_EQ(0, wm_strSwitch("X", (char *)NULL));
}

TEST(WmStr, RemoveCRLFDropsLineEndsWithinSizeAndWorksInPlace)
{
    char src[] = "\r\n+CREG: 1\r\nOK\r\n";
    char dst[32];
    EXPECT_EQ(dst, wm_strRemoveCRLF(dst, src, (u16)strlen(src)));
    EXPECT_STREQ("+CREG: 1OK", dst);
    EXPECT_STREQ("+CR", wm_strRemoveCRLF(dst, src, 5));
    EXPECT_EQ(src, wm_strRemoveCRLF(src, src, 100));
    EXPECT_STREQ("+CREG: 1OK", src);
}

TEST(WmStr, GetParameterStringCountsAfterThePrefixAndDropsQuotes)
{
    char dst[64];
    EXPECT_EQ(dst, wm_strGetParameterString(dst, "+CREG: 0,1", 2));
    EXPECT_STREQ("1", dst);
    EXPECT_STREQ("0", wm_strGetParameterString(dst, "\r\n+CREG: 0,1\r\n", 1));
    EXPECT_STREQ("+33612,34", wm_strGetParameterString(dst, "+CLIP: \"+33612,34\",145", 1));
    EXPECT_STREQ("145", wm_strGetParameterString(dst, "+CLIP: \"+33612,34\",145", 2));
    EXPECT_STREQ("", wm_strGetParameterString(dst, "+X: 1,,3", 2));
    EXPECT_STREQ("b", wm_strGetParameterString(dst, "a,b", 2));
    EXPECT_EQ(nullptr, wm_strGetParameterString(dst, "+CREG: 0,1\r\n", 3));
    std::string t = traces_of([&] { EXPECT_EQ(nullptr, wm_strGetParameterString(dst, "+A: 1", 0)); });
    EXPECT_NE(std::string::npos, t.find("Position starts at 1")) << t;
}

TEST(WmStr, StricmpAndStrnicmpIgnoreLetterCase)
{
    EXPECT_EQ(0, wm_stricmp("AT+Cgreg", "at+CGREG"));
    EXPECT_GT(0, wm_stricmp("abc", "ABD"));
    EXPECT_LT(0, wm_stricmp("abcd", "ABC"));
    EXPECT_EQ(0, wm_strnicmp("HELLO world", "hello there", 6));
    EXPECT_NE(0, wm_strnicmp("HELLO world", "hello there", 7));
}

TEST(WmStr, TheModuleLibraryStricmpAndStrnicmpCompareAsTheWmOnes)
{
    EXPECT_EQ(0, stricmp("Gprs.H", "gprs.h"));
    EXPECT_GT(0, stricmp("abc", "ABD"));
    EXPECT_EQ(0, strnicmp("APN=Internet", "apn=other", 4));
    EXPECT_LT(0, strnicmp("APN=Internet", "apn=", 5));
}

TEST(WmStr, LibcAliasesAreTheLibcFunctions)
{
    char buf[16];
    wm_strcpy(buf, "ab");
    wm_strcat(buf, "cd");
    EXPECT_EQ(4u, wm_strlen(buf));
    EXPECT_EQ(0, wm_strcmp(buf, "abcd"));
    EXPECT_EQ(42, wm_atoi("42"));
    wm_sprintf(buf, "%d-%s", 7, "x");
    EXPECT_STREQ("7-x", buf);
}

s16 compare_ints(void *a, void *b)
{
    int x = *static_cast<int *>(a), y = *static_cast<int *>(b);
    return (s16)(x < y ? -1 : x > y ? 1 : 0);
}

int freed_items;
void count_free(void *) { freed_items++; }

TEST(WmList, AddGetDeleteKeepInsertionOrder)
{
    wm_lst_t l = wm_lstCreate(WM_LIST_NONE, nullptr);
    ASSERT_NE(nullptr, l);
    int a = 1, b = 2, c = 3;
    EXPECT_EQ(0, wm_lstAddItem(l, &a));
    EXPECT_EQ(1, wm_lstAddItem(l, &b));
    EXPECT_EQ(2, wm_lstAddItem(l, &c));
    EXPECT_EQ(3, wm_lstGetCount(l));
    EXPECT_EQ(&b, wm_lstGetItem(l, 1));
    EXPECT_EQ(2, wm_lstDeleteItem(l, 0));
    EXPECT_EQ(&b, wm_lstGetItem(l, 0));
    EXPECT_EQ(&c, wm_lstGetItem(l, 1));
    EXPECT_EQ(nullptr, wm_lstGetItem(l, 2));
    EXPECT_EQ(1, wm_lstInsertItem(l, &a, 1));
    EXPECT_EQ(&a, wm_lstGetItem(l, 1));
    wm_lstDestroy(l);
}

TEST(WmList, ManyItemsStayIndexed)
{
    wm_lst_t l = wm_lstCreate(WM_LIST_NONE, nullptr);
    static int items[1000];
    for (int i = 0; i < 1000; i++)
        ASSERT_EQ(i, wm_lstAddItem(l, &items[i]));
    for (int i = 0; i < 1000; i++)
        ASSERT_EQ(&items[i], wm_lstGetItem(l, (u16)i));
    wm_lstClear(l);
    EXPECT_EQ(0, wm_lstGetCount(l));
    wm_lstDestroy(l);
}

TEST(WmList, SortedListKeepsCompareOrderAndRefusesInsertAtIndex)
{
    wm_lstTable_t table = {compare_ints, nullptr};
    wm_lst_t l = wm_lstCreate(WM_LIST_SORTED, &table);
    ASSERT_NE(nullptr, l);
    int v5 = 5, v1 = 1, v3 = 3, v3b = 3;
    wm_lstAddItem(l, &v5);
    EXPECT_EQ(0, wm_lstAddItem(l, &v1));
    EXPECT_EQ(1, wm_lstAddItem(l, &v3));
    EXPECT_EQ(2, wm_lstAddItem(l, &v3b));  // equal items keep their arrival order
    EXPECT_EQ(&v1, wm_lstGetItem(l, 0));
    EXPECT_EQ(&v3, wm_lstGetItem(l, 1));
    EXPECT_EQ(&v3b, wm_lstGetItem(l, 2));
    EXPECT_EQ(&v5, wm_lstGetItem(l, 3));
    std::string t = traces_of([&] { EXPECT_EQ(ERROR, wm_lstInsertItem(l, &v1, 0)); });
    EXPECT_NE(std::string::npos, t.find("the list is sorted")) << t;
    wm_lstDestroy(l);
}

TEST(WmList, SortedListWithoutCompareIsRefused)
{
    std::string t = traces_of([] { EXPECT_EQ(nullptr, wm_lstCreate(WM_LIST_SORTED, nullptr)); });
    EXPECT_NE(std::string::npos, t.find("WM_LIST_SORTED needs a CompareItem")) << t;
    EXPECT_EQ(nullptr, wm_lstCreate(0x8000, nullptr));
}

TEST(WmList, NoDuplicatesRefusesAnEqualItem)
{
    wm_lstTable_t table = {compare_ints, nullptr};
    wm_lst_t l = wm_lstCreate(WM_LIST_NODUPLICATES, &table);
    int a = 7, same = 7, other = 8;
    EXPECT_EQ(0, wm_lstAddItem(l, &a));
    std::string t = traces_of([&] { EXPECT_EQ(ERROR, wm_lstAddItem(l, &same)); });
    EXPECT_NE(std::string::npos, t.find("refuses duplicates")) << t;
    EXPECT_EQ(ERROR, wm_lstInsertItem(l, &same, 0));
    EXPECT_EQ(1, wm_lstAddItem(l, &other));
    wm_lstDestroy(l);
}

TEST(WmList, FindUsesCompareOrElseTheItemAddress)
{
    wm_lstTable_t table = {compare_ints, nullptr};
    wm_lst_t by_value = wm_lstCreate(WM_LIST_NONE, &table);
    wm_lst_t by_address = wm_lstCreate(WM_LIST_NONE, nullptr);
    int a = 1, b = 2, a2 = 1, probe = 1;
    for (int *p : {&a, &b, &a2}) {
        wm_lstAddItem(by_value, p);
        wm_lstAddItem(by_address, p);
    }
    EXPECT_EQ(0, wm_lstFindItem(by_value, &probe));
    EXPECT_EQ(2, wm_lstFindNextItem(by_value, &probe, 1));
    EXPECT_EQ(ERROR, wm_lstFindItem(by_address, &probe));
    EXPECT_EQ(2, wm_lstFindItem(by_address, &a2));
    s16 *all = wm_lstFindAllItem(by_value, &probe);
    ASSERT_NE(nullptr, all);
    EXPECT_EQ(0, all[0]);
    EXPECT_EQ(2, all[1]);
    EXPECT_EQ(ERROR, all[2]);
    EXPECT_TRUE(adl_memRelease(all));
    int none = 9;
    EXPECT_EQ(nullptr, wm_lstFindAllItem(by_value, &none));
    wm_lstDestroy(by_value);
    wm_lstDestroy(by_address);
}

TEST(WmList, OwnedItemsAreFreedOnDeleteClearAndDestroy)
{
    wm_lstTable_t table = {nullptr, count_free};
    int items[5];
    freed_items = 0;
    wm_lst_t owner = wm_lstCreate(WM_LIST_OWN_ITEMS, &table);
    for (int &i : items)
        wm_lstAddItem(owner, &i);
    wm_lstDeleteItem(owner, 0);
    EXPECT_EQ(1, freed_items);
    wm_lstClear(owner);
    EXPECT_EQ(5, freed_items);
    wm_lstAddItem(owner, &items[0]);
    wm_lstDestroy(owner);
    EXPECT_EQ(6, freed_items);

    freed_items = 0;
    wm_lst_t borrower = wm_lstCreate(WM_LIST_NONE, &table);
    wm_lstAddItem(borrower, &items[0]);
    wm_lstDestroy(borrower);
    EXPECT_EQ(0, freed_items);
}

TEST(WmList, OwnedItemsWithoutFreeItemGoBackToTheAdlHeap)
{
    oat_mem_start();
    wm_lst_t l = wm_lstCreate(WM_LIST_OWN_ITEMS, nullptr);
    for (int i = 0; i < 3; i++)
        wm_lstAddItem(l, adl_memGet(16));
    wm_lstDeleteItem(l, 1);
    wm_lstDestroy(l);
    EXPECT_EQ(0, oat_mem_stop());
}

TEST(WmList, BadListsAndIndexesAreRefusedWithATrace)
{
    wm_lst_t l = wm_lstCreate(WM_LIST_NONE, nullptr);
    int a = 0;
    wm_lstAddItem(l, &a);
    std::string t = traces_of([&] {
        EXPECT_EQ(ERROR, wm_lstDeleteItem(l, 1));
        EXPECT_EQ(ERROR, wm_lstInsertItem(l, &a, 5));
        EXPECT_EQ(0, wm_lstGetCount(nullptr));
        u32 not_a_list[8] = {0};
        EXPECT_EQ(ERROR, wm_lstAddItem(not_a_list, &a));
    });
    EXPECT_NE(std::string::npos, t.find("wm_lstDeleteItem(")) << t;
    EXPECT_NE(std::string::npos, t.find("index past the end")) << t;
    EXPECT_NE(std::string::npos, t.find("wm_lstGetCount: the list is NULL")) << t;
    EXPECT_NE(std::string::npos, t.find("never created by wm_lstCreate")) << t;
    wm_lstDestroy(l);
}

}  // namespace
