/* oatemu/gtest.h: the test kit's GoogleTest layer, header-only over oatemu/testing.h. A
 * fixture that boots the application linked into the test before each test and stops it
 * after, and helpers returning std::string. Derive from oatemu::ModuleTest and override
 * flags() for the application's command-line flags. */
#ifndef OATEMU_GTEST_H
#define OATEMU_GTEST_H

#include "oatemu/testing.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace oatemu {

/* A malloc'd string of the kit as a std::string (NULL = ""), freed. */
inline std::string take(char *s)
{
    std::string out = s ? s : "";
    oatemu_free(s);
    return out;
}

/* Boot with flags given as strings. */
inline int boot(const std::vector<std::string> &flags = {})
{
    std::vector<const char *> argv;
    for (const std::string &f : flags)
        argv.push_back(f.c_str());
    argv.push_back(nullptr);
    return oatemu_boot(argv.data());
}

inline std::string at(const std::string &line) { return take(oatemu_at(line.c_str())); }
inline std::string output() { return take(oatemu_output()); }
inline std::string traces() { return take(oatemu_traces()); }
inline void advance_ms(long long ms) { oatemu_advance_ms(ms); }
inline long long now_ms() { return oatemu_now_ms(); }

/* Wait in host time (the module handling host I/O) until cond() holds. */
inline bool wait_for(const std::function<bool()> &cond, long long host_timeout_ms)
{
    auto call = [](void *arg) -> bool { return (*static_cast<const std::function<bool()> *>(arg))(); };
    return oatemu_wait_for(call, const_cast<std::function<bool()> *>(&cond), host_timeout_ms);
}

/* Run fn in task row `task` as an application handler; false when it could not. */
inline bool in_task(int task, const std::function<void()> &fn)
{
    auto call = [](void *arg) { (*static_cast<const std::function<void()> *>(arg))(); };
    return oatemu_in_task(task, call, const_cast<std::function<void()> *>(&fn)) == 0;
}

/* The fixture: the linked application boots in SetUp (a failed boot fails the test) and
 * stops in TearDown. Traces read through traces() are kept: all_traces() has every line
 * since the boot. */
class ModuleTest : public ::testing::Test {
protected:
    /* The application's flags for this fixture's boots. */
    virtual std::vector<std::string> flags() const { return {}; }

    void SetUp() override { ASSERT_EQ(0, oatemu::boot(flags())) << "the application did not boot"; }
    void TearDown() override { oatemu_stop(); }

    std::string at(const std::string &line) { return oatemu::at(line); }
    std::string traces()
    {
        std::string fresh = oatemu::traces();
        seen_traces_ += fresh;
        return fresh;
    }
    std::string all_traces()
    {
        traces();
        return seen_traces_;
    }

private:
    std::string seen_traces_;
};

} // namespace oatemu

#endif
