/* testing.c: the test kit's module (include/oatemu/testing.h): boot one in-process module in
 * virtual time with the AT port in memory and traces captured, step the clock, type AT lines,
 * read what came out. Each boot gets a fresh flash directory unless the test names one. */
#include "oatemu/testing.h"
#include "host/entry.h"
#include "host/module.h"
#include "host/options.h"
#include "adl/adl_options.h"
#include "adl/services.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sched.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool kit_booted;
static char temp_flash[64];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

static int kit_boot(const oat_boot *boot, const char *const *flags)
{
    if (kit_booted)
        oatemu_stop();
    char *discard = oat_log_take_capture();
    free(discard);
    if (oat_options_register_all() != 0)
        return -1;
    oat_config_defaults("test");
    snprintf(temp_flash, sizeof temp_flash, "/tmp/oatemu-flash-XXXXXX");
    if (!mkdtemp(temp_flash)) {
        fprintf(stderr, "oatemu: cannot create a flash directory\n");
        return -1;
    }
    char err[512];
    if (oat_config_set("clock", "virtual", err, sizeof err) ||
        oat_config_set("at", "none", err, sizeof err) ||
        oat_config_set("flash-dir", temp_flash, err, sizeof err)) {
        fprintf(stderr, "oatemu: %s\n", err);
        nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        return -1;
    }
    int argc = 1;
    char *argv[64] = { (char *)"test" };
    for (int i = 0; flags && flags[i] && argc < 63; i++)
        argv[argc++] = (char *)flags[i];
    if (oat_config_load(argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, "oatemu: %s\n", err);
        nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        return -1;
    }
    if (strcmp(oat_adl_cfg()->flash_dir, temp_flash) != 0) {
        nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        temp_flash[0] = '\0';
    }
    oat_log_capture(true);
    int rc = oat_module_start(boot, err, sizeof err);
    if (rc == OAT_MODULE_BAD_CONFIG)
        oat_warn("%s", err);
    if (rc != 0) {
        fprintf(stderr, "oatemu: module start failed (%d)\n", rc);
        if (temp_flash[0])
            nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        temp_flash[0] = '\0';
        return -1;
    }
    kit_booted = true;
    oat_loop_set_limit(0);
    oat_loop_wait_settled();
    return 0;
}

int oatemu_boot(const char *const *flags)
{
    oat_boot boot;
    if (oat_app_entry(&boot))
        fprintf(stderr, "oatemu: both adl_InitTasks[] and adl_main() are defined; the task "
                "table is used (the module forbids declaring both)\n");
    return kit_boot(&boot, flags);
}

int oatemu_boot_tasks(const adl_InitTasks_t *tasks, const char *const *flags)
{
    oat_boot boot = { tasks, NULL, 0 };
    return kit_boot(&boot, flags);
}

int oatemu_boot_main(void (*main_fn)(adl_InitType_e), const char *const *flags)
{
    oat_boot boot = { NULL, main_fn, 0 };
    return kit_boot(&boot, flags);
}

void oatemu_advance_ms(long long ms)
{
    if (!kit_booted)
        return;
    oat_loop_set_limit(oat_now_us() + ms * 1000);
    oat_loop_wait_settled();
}

void oatemu_settle(void)
{
    oatemu_advance_ms(0);
}

long long oatemu_now_ms(void)
{
    return oat_now_us() / 1000;
}

char *oatemu_at(const char *line)
{
    size_t n = strlen(line);
    char *buf = malloc(n + 2);
    if (!buf)
        return NULL;
    memcpy(buf, line, n);
    buf[n] = '\r';
    buf[n + 1] = '\0';
    oat_at_input(buf, n + 1);
    free(buf);
    oatemu_settle();
    return oatemu_output();
}

int oatemu_in_task(int task, void (*fn)(void *arg), void *arg)
{
    if (!kit_booted || oat_post(oat_task_by_index(task), fn, arg, NULL) != 0)
        return -1;
    oatemu_settle();
    return 0;
}

bool oatemu_wait_for(bool (*cond)(void *arg), void *arg, long long host_timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += host_timeout_ms / 1000;
    deadline.tv_nsec += (host_timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (;;) {
        uint64_t seen = oat_sched_events_run();
        oatemu_settle();
        if (cond(arg))
            return true;
        /* cond may also turn true off the module (a peer thread of the test): look again
         * at least every 10 ms until the deadline. */
        struct timespec now, slice;
        clock_gettime(CLOCK_REALTIME, &now);
        if (now.tv_sec > deadline.tv_sec ||
            (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
            return cond(arg);
        slice = now;
        slice.tv_nsec += 10000000L;
        if (slice.tv_nsec >= 1000000000L) {
            slice.tv_sec++;
            slice.tv_nsec -= 1000000000L;
        }
        if (slice.tv_sec > deadline.tv_sec ||
            (slice.tv_sec == deadline.tv_sec && slice.tv_nsec > deadline.tv_nsec))
            slice = deadline;
        if (!kit_booted)
            return cond(arg);
        oat_sched_wait_events(seen, &slice);
    }
}

char *oatemu_output(void)
{
    return oat_at_take_output();
}

char *oatemu_traces(void)
{
    return oat_log_take_capture();
}

void oatemu_free(void *p)
{
    free(p);
}

bool oatemu_running(void)
{
    return kit_booted && !oat_loop_stop_requested();
}

int oatemu_stop(void)
{
    if (!kit_booted)
        return 0;
    int code = oat_module_stop();
    oat_log_capture(true);
    kit_booted = false;
    if (temp_flash[0]) {
        nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        temp_flash[0] = '\0';
    }
    return code;
}
