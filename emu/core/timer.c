/* timer.c: emulated-time alarms in a min-heap, fired by the I/O loop in due order (ties in
 * creation order, so runs are deterministic). Handles are never-reused ids disguised as
 * pointers: cancelling a stale handle is harmless. Never runs application code. */
#include "core/timer.h"
#include "core/lock_check.h"
#include "core/loop.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    int64_t due;
    uint64_t id;
    void (*fire)(void *arg);
    void *arg;
} alarm_slot;

static pthread_mutex_t alarm_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t alarm_done = PTHREAD_COND_INITIALIZER;
static alarm_slot *heap;
static size_t heap_len, heap_cap;
static uint64_t next_id = 1;
static uint64_t firing_id;
static pthread_t firing_thread;   /* valid while firing_id != 0 */

static bool slot_before(const alarm_slot *a, const alarm_slot *b)
{
    return a->due < b->due || (a->due == b->due && a->id < b->id);
}

static void heap_swap(size_t i, size_t j)
{
    alarm_slot t = heap[i];
    heap[i] = heap[j];
    heap[j] = t;
}

static void sift_up(size_t i)
{
    while (i > 0 && slot_before(&heap[i], &heap[(i - 1) / 2])) {
        heap_swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sift_down(size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_len && slot_before(&heap[l], &heap[m]))
            m = l;
        if (r < heap_len && slot_before(&heap[r], &heap[m]))
            m = r;
        if (m == i)
            return;
        heap_swap(i, m);
        i = m;
    }
}

static void heap_remove(size_t i)
{
    heap[i] = heap[--heap_len];
    if (i < heap_len) {
        sift_down(i);
        sift_up(i);
    }
}

oat_alarm *oat_alarm_start(int64_t due_us, void (*fire)(void *arg), void *arg)
{
    pthread_mutex_lock(&alarm_mu);
    if (heap_len == heap_cap) {
        size_t cap = heap_cap ? heap_cap * 2 : 64;
        alarm_slot *grown = realloc(heap, cap * sizeof *heap);
        if (!grown) {
            pthread_mutex_unlock(&alarm_mu);
            return NULL;
        }
        heap = grown;
        heap_cap = cap;
    }
    uint64_t id = next_id++;
    heap[heap_len] = (alarm_slot){ due_us, id, fire, arg };
    sift_up(heap_len++);
    pthread_mutex_unlock(&alarm_mu);
    oat_loop_wakeup();
    return (oat_alarm *)(uintptr_t)id;
}

bool oat_alarm_cancel(oat_alarm *a)
{
    uint64_t id = (uint64_t)(uintptr_t)a;
    if (!id)
        return false;
    OAT_ASSERT_NOT_HELD(SCHED);   /* it may wait for a fire(), which posts (sched_mu) */
    pthread_mutex_lock(&alarm_mu);
    for (size_t i = 0; i < heap_len; i++) {
        if (heap[i].id == id) {
            heap_remove(i);
            pthread_mutex_unlock(&alarm_mu);
            return true;
        }
    }
    /* Fired by another thread (the loop, or a task moving virtual time): wait for fire() to
     * return. A fire() cancelling its own alarm does not wait for itself. */
    while (firing_id == id && !pthread_equal(firing_thread, pthread_self()))
        pthread_cond_wait(&alarm_done, &alarm_mu);
    pthread_mutex_unlock(&alarm_mu);
    return false;
}

int64_t oat_alarm_next_due(void)
{
    pthread_mutex_lock(&alarm_mu);
    int64_t due = heap_len ? heap[0].due : INT64_MAX;
    pthread_mutex_unlock(&alarm_mu);
    return due;
}

void oat_alarm_fire_due(int64_t now_us)
{
    pthread_mutex_lock(&alarm_mu);
    while (heap_len && heap[0].due <= now_us) {
        alarm_slot s = heap[0];
        heap_remove(0);
        firing_id = s.id;
        firing_thread = pthread_self();
        pthread_mutex_unlock(&alarm_mu);
        s.fire(s.arg);
        pthread_mutex_lock(&alarm_mu);
        firing_id = 0;
        pthread_cond_broadcast(&alarm_done);
    }
    pthread_mutex_unlock(&alarm_mu);
}

void oat_alarm_clear_all(void)
{
    pthread_mutex_lock(&alarm_mu);
    free(heap);
    heap = NULL;
    heap_len = heap_cap = 0;
    pthread_mutex_unlock(&alarm_mu);
}
