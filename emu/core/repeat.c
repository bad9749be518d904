/* repeat.c: counts identical requests per emulated second in a small table and traces a loop
 * once it passes the threshold. It only observes: it never delays or refuses a request. */
#include "core/repeat.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REPEAT_KEYS 16
#define REPEAT_KEY_MAX 96
#define REPEAT_THRESHOLD 1000          /* more than this within one emulated second */
#define REPEAT_WINDOW_US 1000000LL
#define REPEAT_QUIET_US 60000000LL     /* one trace per key per minute */

typedef struct {
    char key[REPEAT_KEY_MAX];
    int64_t window_start;
    int64_t last_trace;                /* INT64_MIN: never traced */
    int64_t last_seen;
    long count;
} repeat_slot;

static pthread_mutex_t repeat_mu = PTHREAD_MUTEX_INITIALIZER;
static repeat_slot repeat_slots[REPEAT_KEYS];

/* The slot of key, or the one seen least recently, taken over. */
static repeat_slot *slot_for(const char *key, int64_t now)
{
    repeat_slot *oldest = &repeat_slots[0];
    for (int i = 0; i < REPEAT_KEYS; i++) {
        repeat_slot *s = &repeat_slots[i];
        if (s->key[0] && strcmp(s->key, key) == 0)
            return s;
        if (!s->key[0] || s->last_seen < oldest->last_seen)
            oldest = s;
    }
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    oldest->window_start = now;
    oldest->last_trace = INT64_MIN;
    oldest->count = 0;
    return oldest;
}

void oat_repeat_note(const char *kind, const char *key)
{
    if (!key || !key[0])
        return;
    int64_t now = oat_now_us();
    pthread_mutex_lock(&repeat_mu);
    repeat_slot *s = slot_for(key, now);
    s->last_seen = now;
    if (now - s->window_start >= REPEAT_WINDOW_US) {
        s->window_start = now;
        s->count = 0;
    }
    bool trace = ++s->count == REPEAT_THRESHOLD + 1 &&
                 (s->last_trace == INT64_MIN || now - s->last_trace >= REPEAT_QUIET_US);
    if (trace)
        s->last_trace = now;
    long count = s->count;
    int64_t span_ms = (now - s->window_start) / 1000;
    pthread_mutex_unlock(&repeat_mu);
    if (trace)
        oat_warn("%s %s repeated %ld times within %lld ms of emulated time: the application "
                 "loops on it (said at most once a minute)", kind, key, count, (long long)span_ms);
}

void oat_repeat_reset(void)
{
    pthread_mutex_lock(&repeat_mu);
    memset(repeat_slots, 0, sizeof repeat_slots);
    pthread_mutex_unlock(&repeat_mu);
}
