/* lock_check.c: the per-thread count of core locks held and the checks of lock_check.h. A
 * broken rule is a bug in the emulator, never the application's: one line, then abort(). */
#include "core/lock_check.h"

#include <stdio.h>
#include <stdlib.h>

bool oat_lock_asserts_enabled(void)
{
    return OAT_LOCK_ASSERTS_ON;
}

static _Thread_local unsigned held[OAT_LOCK_COUNT];

static const char *const lock_names[OAT_LOCK_COUNT] = {
    [OAT_LOCK_TIME] = "time_mu",
    [OAT_LOCK_WIP] = "wip_mu",
    [OAT_LOCK_SCHED] = "sched_mu",
    [OAT_LOCK_LOOP] = "loop_mu",
};

/* One line: the lock, the rule (its " %s" is the other lock), the function; then abort. */
static _Noreturn void broken(const char *lock, const char *rule, const char *other,
                             const char *fn)
{
    fprintf(stderr, "oatemu: lock rule broken: %s ", lock);
    fprintf(stderr, rule, other);
    fprintf(stderr, ", in %s\n", fn);
    fflush(stderr);
    abort();
}

void oat_lock_check_take(oat_lock_id id, const char *fn)
{
    if (held[id] && id != OAT_LOCK_WIP)
        broken(lock_names[id], "taken again by the thread holding it%s", "", fn);
    for (int inner = id + 1; inner < OAT_LOCK_COUNT; inner++)
        if (held[inner])
            broken(lock_names[id], "taken while holding %s (lock order)", lock_names[inner], fn);
}

void oat_lock_check_taken(oat_lock_id id)
{
    held[id]++;
}

void oat_lock_check_release(oat_lock_id id, const char *fn)
{
    if (!held[id])
        broken(lock_names[id], "released by a thread not holding it%s", "", fn);
    held[id]--;
}

int oat_lock_check_tried(oat_lock_id id, int rc)
{
    if (rc == 0)
        held[id]++;      /* a trylock cannot deadlock: no order to check */
    return rc;
}

void oat_lock_assert_held(oat_lock_id id, const char *fn)
{
    if (!held[id])
        broken(lock_names[id], "must be held here%s", "", fn);
}

void oat_lock_assert_not_held(oat_lock_id id, const char *fn)
{
    if (held[id])
        broken(lock_names[id], "must not be held here%s", "", fn);
}

void oat_lock_assert_none(const char *what, const char *fn)
{
    for (int id = 0; id < OAT_LOCK_COUNT; id++)
        if (held[id])
            broken(lock_names[id], "held when %s starts (no core lock)", what, fn);
}
