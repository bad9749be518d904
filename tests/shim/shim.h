/* shim.h: the names oatemu's own suites were written with, kept as aliases of the public test
 * kit (include/oatemu/testing.h, emu/testing/) so that the suites and the branches that add to
 * them keep compiling; new tests call oatemu_* directly. */
#ifndef OAT_SHIM_H
#define OAT_SHIM_H

#include "adl_global.h"
#include "oatemu/testing.h"

static inline int oat_shim_boot_tasks(const adl_InitTasks_t *tasks, const char *const *flags)
{
    return oatemu_boot_tasks(tasks, flags);
}
static inline int oat_shim_boot_main(void (*main_fn)(adl_InitType_e), const char *const *flags)
{
    return oatemu_boot_main(main_fn, flags);
}
static inline void oat_shim_advance_ms(long long ms) { oatemu_advance_ms(ms); }
static inline void oat_shim_settle(void) { oatemu_settle(); }
static inline long long oat_shim_now_ms(void) { return oatemu_now_ms(); }
static inline char *oat_shim_at(const char *line) { return oatemu_at(line); }
static inline char *oat_shim_output(void) { return oatemu_output(); }
static inline char *oat_shim_traces(void) { return oatemu_traces(); }
static inline void oat_shim_free(void *p) { oatemu_free(p); }
static inline int oat_shim_in_task(int task, void (*fn)(void *arg), void *arg)
{
    return oatemu_in_task(task, fn, arg);
}
static inline bool oat_shim_wait_for(bool (*cond)(void *arg), void *arg, long long timeout_ms)
{
    return oatemu_wait_for(cond, arg, timeout_ms);
}
static inline bool oat_shim_running(void) { return oatemu_running(); }
static inline int oat_shim_stop(void) { return oatemu_stop(); }

#endif
