/* lock_check.h: debug checks of the lock rules of docs/architecture.md ("Threads, locks and
 * callbacks"). Each thread counts the core locks it holds; taking one out of order, asserting
 * a lock that is not held (or held when it must not be), or calling back with a core lock held
 * prints one line naming the lock, the rule and the function, then aborts. Built in with the
 * CMake option OATEMU_LOCK_ASSERTS; without it every macro here is the plain call or nothing. */
#ifndef OAT_LOCK_CHECK_H
#define OAT_LOCK_CHECK_H

#include <pthread.h>
#include <stdbool.h>

/* The core locks, outermost first: a thread holding one may take only those after it. */
typedef enum {
    OAT_LOCK_TIME,      /* time_mu, core/loop.c */
    OAT_LOCK_WIP,       /* wip_mu, wip/channel.c (recursive) */
    OAT_LOCK_SCHED,     /* sched_mu, core/sched.c */
    OAT_LOCK_LOOP,      /* loop_mu, core/loop.c */
    OAT_LOCK_COUNT
} oat_lock_id;

/* The checks behind the macros. They count only what the macros report: called directly in
 * a build without the option (tests), they see no lock held. */
void oat_lock_check_take(oat_lock_id id, const char *fn);     /* before locking: the order */
void oat_lock_check_taken(oat_lock_id id);                    /* after locking */
void oat_lock_check_release(oat_lock_id id, const char *fn);  /* before unlocking */
int oat_lock_check_tried(oat_lock_id id, int rc);             /* after a trylock: rc */
void oat_lock_assert_held(oat_lock_id id, const char *fn);
void oat_lock_assert_not_held(oat_lock_id id, const char *fn);
void oat_lock_assert_none(const char *what, const char *fn);  /* a callback may start */

#ifdef OATEMU_LOCK_ASSERTS
#define OAT_LOCK_ASSERTS_ON 1

#define OAT_LOCK(mu, name)                                                                  \
    (oat_lock_check_take(OAT_LOCK_##name, __func__), pthread_mutex_lock(mu),                \
     oat_lock_check_taken(OAT_LOCK_##name))
#define OAT_UNLOCK(mu, name)                                                                \
    (oat_lock_check_release(OAT_LOCK_##name, __func__), pthread_mutex_unlock(mu))
#define OAT_TRYLOCK(mu, name) oat_lock_check_tried(OAT_LOCK_##name, pthread_mutex_trylock(mu))
#define OAT_ASSERT_HELD(name) oat_lock_assert_held(OAT_LOCK_##name, __func__)
#define OAT_ASSERT_NOT_HELD(name) oat_lock_assert_not_held(OAT_LOCK_##name, __func__)
#define OAT_ASSERT_NO_CORE_LOCK(what) oat_lock_assert_none(what, __func__)
#else
#define OAT_LOCK_ASSERTS_ON 0
#define OAT_LOCK(mu, name) pthread_mutex_lock(mu)
#define OAT_UNLOCK(mu, name) pthread_mutex_unlock(mu)
#define OAT_TRYLOCK(mu, name) pthread_mutex_trylock(mu)
#define OAT_ASSERT_HELD(name) ((void)0)
#define OAT_ASSERT_NOT_HELD(name) ((void)0)
#define OAT_ASSERT_NO_CORE_LOCK(what) ((void)0)
#endif

/* Whether this build checks the lock rules (tests skip their death tests otherwise). */
bool oat_lock_asserts_enabled(void);

#endif
