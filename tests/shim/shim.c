/* shim.c: drives one in-process module for the test suites: boot in virtual time with the AT
 * port in memory and traces captured, step the clock, type AT lines, read what came out.
 * Each boot gets a fresh flash directory unless the test names one. */
#include "shim.h"
#include "host/module.h"
#include "adl/services.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sched.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool shim_booted;
static char temp_flash[64];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

static int shim_boot(const oat_boot *boot, const char *const *flags)
{
    if (shim_booted)
        oat_shim_stop();
    char *discard = oat_log_take_capture();
    free(discard);
    oat_config cfg;
    oat_config_defaults(&cfg, "test");
    cfg.clock_virtual = true;
    snprintf(cfg.at, sizeof cfg.at, "none");
    snprintf(temp_flash, sizeof temp_flash, "/tmp/oatemu-flash-XXXXXX");
    if (!mkdtemp(temp_flash)) {
        fprintf(stderr, "shim: cannot create a flash directory\n");
        return -1;
    }
    snprintf(cfg.flash_dir, sizeof cfg.flash_dir, "%s", temp_flash);
    int argc = 1;
    char *argv[64] = { (char *)"test" };
    for (int i = 0; flags && flags[i] && argc < 63; i++)
        argv[argc++] = (char *)flags[i];
    char err[512];
    if (oat_config_load(&cfg, argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, "shim: %s\n", err);
        nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        return -1;
    }
    if (strcmp(cfg.flash_dir, temp_flash) != 0) {
        nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        temp_flash[0] = '\0';
    }
    oat_log_capture(true);
    int rc = oat_module_start(&cfg, boot, err, sizeof err);
    if (rc == OAT_MODULE_BAD_CONFIG)
        oat_warn("%s", err);
    if (rc != 0) {
        fprintf(stderr, "shim: module start failed (%d)\n", rc);
        if (temp_flash[0])
            nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        temp_flash[0] = '\0';
        return -1;
    }
    shim_booted = true;
    oat_loop_set_limit(0);
    oat_loop_wait_settled();
    return 0;
}

int oat_shim_boot_tasks(const adl_InitTasks_t *tasks, const char *const *flags)
{
    oat_boot boot = { tasks, NULL, 0 };
    return shim_boot(&boot, flags);
}

int oat_shim_boot_main(void (*main_fn)(adl_InitType_e), const char *const *flags)
{
    oat_boot boot = { NULL, main_fn, 0 };
    return shim_boot(&boot, flags);
}

void oat_shim_advance_ms(long long ms)
{
    if (!shim_booted)
        return;
    oat_loop_set_limit(oat_now_us() + ms * 1000);
    oat_loop_wait_settled();
}

void oat_shim_settle(void)
{
    oat_shim_advance_ms(0);
}

long long oat_shim_now_ms(void)
{
    return oat_now_us() / 1000;
}

char *oat_shim_at(const char *line)
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
    oat_shim_settle();
    return oat_shim_output();
}

int oat_shim_in_task(int task, void (*fn)(void *arg), void *arg)
{
    if (!shim_booted || oat_post(oat_task_by_index(task), fn, arg, NULL) != 0)
        return -1;
    oat_shim_settle();
    return 0;
}

bool oat_shim_wait_for(bool (*cond)(void *arg), void *arg, long long timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (;;) {
        uint64_t seen = oat_sched_events_run();
        oat_shim_settle();
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
        if (!shim_booted)
            return cond(arg);
        oat_sched_wait_events(seen, &slice);
    }
}

char *oat_shim_output(void)
{
    return oat_at_take_output();
}

char *oat_shim_traces(void)
{
    return oat_log_take_capture();
}

void oat_shim_free(void *p)
{
    free(p);
}

bool oat_shim_running(void)
{
    return shim_booted && !oat_loop_stop_requested();
}

int oat_shim_stop(void)
{
    if (!shim_booted)
        return 0;
    int code = oat_module_stop();
    oat_log_capture(true);
    shim_booted = false;
    if (temp_flash[0]) {
        nftw(temp_flash, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        temp_flash[0] = '\0';
    }
    return code;
}
