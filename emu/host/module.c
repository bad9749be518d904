/* module.c: starts and stops one emulated module: clock, log, call log, ADL services, the
 * I/O loop and the application's tasks, in that order, and tears them down in reverse so
 * that a test can boot another module in the same process. Knows no service internals. */
#include "host/module.h"
#include "host/boot.h"
#include "adl/services.h"
#include "adl/adl_options.h"
#include "wip/wip_internal.h"
#include "wip/pcap.h"
#include "core/calls.h"
#include "core/clock.h"
#include "core/core_options.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sched.h"
#include "core/timer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool module_up;

/* A reset by adl_errHalt is remembered next to the flash objects, so that the next run
 * reports ADL_INIT_REBOOT_FROM_EXCEPTION as the module does after such a reset. */
static void reset_marker_path(char *buf, size_t size)
{
    snprintf(buf, size, "%s/.oatemu-reset", oat_adl_cfg()->flash_dir);
}

static adl_InitType_e take_boot_reason(void)
{
    char path[600];
    reset_marker_path(path, sizeof path);
    if (unlink(path) == 0)
        return ADL_INIT_REBOOT_FROM_EXCEPTION;
    return ADL_INIT_POWER_ON;
}

static void leave_reset_marker(void)
{
    char path[600];
    reset_marker_path(path, sizeof path);
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
}

int oat_module_start(const oat_boot *boot, char *err, size_t errlen)
{
    const oat_core_config *cfg = oat_core_cfg();
    oat_clock_init(cfg->clock_virtual);
    if (cfg->trace_file[0] && oat_log_open(cfg->trace_file) != 0) {
        snprintf(err, errlen, "--trace: cannot open trace file %s: %s", cfg->trace_file,
                 strerror(errno));
        return OAT_MODULE_BAD_CONFIG;
    }
    if (oat_pcap_start(err, errlen) != 0)
        return OAT_MODULE_BAD_CONFIG;
    oat_calls_enabled = cfg->calls;
    oat_mem_start();
    oat_trace_start();
    oat_rtc_start();
    if (oat_flash_start(err, errlen) != 0)
        return OAT_MODULE_BAD_CONFIG;
    if (oat_loop_start() != 0) {
        oat_warn("cannot start the I/O thread");
        return -1;
    }
    module_up = true;
    if (cfg->run_for_us >= 0)
        oat_loop_end_at(cfg->run_for_us);
    int rc = oat_boot_tasks(boot, take_boot_reason());
    if (rc != 0) {
        oat_module_stop();
        return rc;
    }
    if (oat_at_start() != 0) {
        oat_warn("AT port '%s' could not be opened", oat_adl_cfg()->at);
        oat_module_stop();
        return -1;
    }
    oat_sched_start();
    return 0;
}

int oat_module_wait(void)
{
    return oat_loop_wait_stop();
}

int oat_module_stop(void)
{
    if (!module_up)
        return 0;
    oat_loop_request_stop(0);
    int code = oat_loop_wait_stop();
    oat_at_stop();
    oat_resolve_stop();
    oat_loop_join();
    oat_sched_stop();
    oat_wip_stop();
    oat_pcap_stop();
    oat_sim_stop();
    oat_adl_timers_stop();
    oat_os_stop();
    oat_alarm_clear_all();
    oat_flash_stop();
    if (code == OAT_EXIT_HALT)
        leave_reset_marker();
    oat_err_stop();
    oat_trace_stop();
    oat_mem_stop();
    oat_calls_enabled = false;
    oat_log_close();
    module_up = false;
    return code;
}
