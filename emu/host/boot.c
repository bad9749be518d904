/* boot.c: turns the application's entry declaration into tasks: the adl_InitTasks[] table
 * (checked as the module checks it) or adl_main in one task; posts each entry point as its
 * task's first event, and answers adl_InitGetType(). */
#include "host/boot.h"
#include "core/calls.h"
#include "core/log.h"
#include "core/sched.h"

#include <stdio.h>

#define OAT_MAX_APP_TASKS 16

static adl_InitType_e boot_reason = ADL_INIT_POWER_ON;

typedef struct {
    void (*entry)(void);
    void (*main_fn)(adl_InitType_e);
} entry_call;

static entry_call entries[OAT_MAX_APP_TASKS];

static void run_entry(void *arg)
{
    entry_call *e = arg;
    OAT_EVENT("boot: entry point of task %s", oat_task_name(oat_task_current()));
    if (e->main_fn)
        e->main_fn(boot_reason);
    else
        e->entry();
}

int oat_boot_tasks(const oat_boot *boot, adl_InitType_e reason)
{
    boot_reason = reason;
    if (boot->tasks) {
        int n = 0;
        while (boot->tasks[n].EntryPoint || boot->tasks[n].StackSize || boot->tasks[n].Name ||
               boot->tasks[n].Priority)
            n++;
        if (n == 0) {
            oat_warn("boot: adl_InitTasks[] declares no task (launch failure 16)");
            return 16;
        }
        if (n > OAT_MAX_APP_TASKS) {
            oat_warn("boot: adl_InitTasks[] declares %d tasks, at most %d (launch failure 5)", n,
                     OAT_MAX_APP_TASKS);
            return 5;
        }
        bool seen[OAT_MAX_APP_TASKS + 1] = { false };
        for (int i = 0; i < n; i++) {
            const adl_InitTasks_t *row = &boot->tasks[i];
            if (!row->EntryPoint) {
                oat_warn("boot: adl_InitTasks[%d] (%s) has no EntryPoint (launch failure 11)", i,
                         row->Name ? row->Name : "?");
                return 11;
            }
            if (row->Priority < 1 || row->Priority > n || seen[row->Priority]) {
                oat_warn("boot: adl_InitTasks[%d] (%s) has priority %u: priorities must be unique, "
                         "from 1 to %d (launch failure 17)", i, row->Name ? row->Name : "?",
                         row->Priority, n);
                return 17;
            }
            seen[row->Priority] = true;
        }
        if (boot->tasks[0].Priority != n) {
            oat_warn("boot: adl_InitTasks[0] (%s) must have the highest priority (%d), it has %u: "
                     "ADL processing runs in the first task (launch failure 17)",
                     boot->tasks[0].Name ? boot->tasks[0].Name : "?", n, boot->tasks[0].Priority);
            return 17;
        }
        for (int i = 0; i < n; i++) {
            const adl_InitTasks_t *row = &boot->tasks[i];
            char name[32];
            if (row->Name && *row->Name)
                snprintf(name, sizeof name, "%s", row->Name);
            else
                snprintf(name, sizeof name, "task%d", i);
            oat_task *t = oat_task_create(name, row->Priority, row->StackSize);
            if (!t)
                return -1;
            entries[i] = (entry_call){ row->EntryPoint, NULL };
        }
        /* The scheduler hands the CPU to the highest priority first: entries start in
         * priority order, highest first, as on the module. */
        for (int i = 0; i < n; i++)
            oat_post(oat_task_by_index(i), run_entry, &entries[i], NULL);
        return 0;
    }
    if (boot->main_fn) {
        oat_task *t = oat_task_create("main", 1, boot->main_stack);
        if (!t)
            return -1;
        entries[0] = (entry_call){ NULL, boot->main_fn };
        oat_post(t, run_entry, &entries[0], NULL);
        return 0;
    }
    oat_warn("boot: the application defines neither adl_InitTasks[] nor adl_main() "
             "(launch failure 16)");
    return 16;
}

adl_InitType_e adl_InitGetType(void)
{
    OAT_CALL_RET("adl_InitGetType", boot_reason, NULL, "%s", "");
    return boot_reason;
}
