// at_parse_test.cpp: the AT line helpers of emu/adl/at_parse.c called directly, without a module.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "adl/at_internal.h"
}

namespace {

const unsigned char kGuard = 0xA5;
const size_t kSlack = 16;

// What oat_at_show gives for the whole text when nothing is cut.
std::string escaped(const std::string &text)
{
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '\r')
            out += "\\r";
        else if (c == '\n')
            out += "\\n";
        else if (c < 0x20)
            out += { '\\', 'x', hex[c >> 4], hex[c & 15] };
        else
            out += (char)c;
    }
    return out + "\"";
}

// Shows text into a buffer of exactly size bytes followed by guard bytes, and checks that
// nothing is written past it and that the result is the whole text or a marked cut of it.
void check_show(const std::string &text, size_t size)
{
    std::vector<unsigned char> mem(size + kSlack, kGuard);
    char *buf = reinterpret_cast<char *>(mem.data());
    std::string shown = oat_at_show(text.c_str(), buf, size);
    for (size_t i = size; i < mem.size(); i++)
        ASSERT_EQ(kGuard, mem[i]) << "byte " << i << " written past a buffer of " << size
                                  << " for " << escaped(text);
    if (size < 8) {
        ASSERT_EQ("", shown);
        return;
    }
    ASSERT_LT(shown.size(), size) << escaped(text);
    std::string whole = escaped(text);
    if (whole.size() < size) {
        ASSERT_EQ(whole, shown) << "cut although it fits in " << size;
        return;
    }
    ASSERT_GE(shown.size(), 4u);
    ASSERT_EQ("..\"", shown.substr(shown.size() - 3)) << "cut without the mark: " << shown;
    std::string kept = shown.substr(0, shown.size() - 3);
    ASSERT_EQ(0u, whole.find(kept)) << shown << " is not a prefix of " << whole;
    // Escapes are never split.
    size_t slash = kept.rfind('\\');
    if (slash != std::string::npos && kept[slash + 1] == 'x')
        ASSERT_GE(kept.size(), slash + 4) << "escape split in " << shown;
}

}  // namespace

TEST(AtShow, EveryEscapeAtEveryPositionFitsEveryBufferSize)
{
    const char specials[] = { '\x0b', '\x01', '\r', '\n' };
    for (size_t size = 0; size <= 136; size++) {
        for (size_t len = 0; len <= size + 4; len++) {
            for (char special : specials) {
                check_show(std::string(len, special), size);
                for (size_t pos = 0; pos < len; pos++) {
                    std::string text(len, 'X');
                    text[pos] = special;
                    check_show(text, size);
                    if (HasFatalFailure())
                        return;
                }
            }
        }
    }
}

TEST(AtShow, TheInputsOfIssue10FitTheTraceBuffer)
{
    check_show(std::string(32, '\x0b') + "\r", 128);
    check_show(std::string(120, 'X') + "\x01" "Y\r", 128);
}

TEST(AtShow, ShortTextIsQuotedWithControlsEscaped)
{
    char buf[128];
    EXPECT_STREQ("\"AT\\x0b+X\\r\\n\"", oat_at_show("AT\x0b+X\r\n", buf, sizeof buf));
    EXPECT_STREQ("NULL", oat_at_show(nullptr, buf, sizeof buf));
}
