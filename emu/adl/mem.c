/* mem.c: the ADL heap with diagnostics: every block carries its allocation site and guard
 * bytes; bad releases, overruns and leaks are reported. It never frees a pointer it did
 * not hand out, and never touches the application's memory outside the blocks it owns. */
#include "adl_memory.h"
#include "adl_error.h"

#include "adl/services.h"
#include "core/calls.h"
#include "core/log.h"
#include "core/sched.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_LIVE 0x4D454D4Cu     /* block handed out */
#define MAGIC_FREED 0x4D454D46u    /* block released, kept in quarantine */
#define GUARD_BYTES 16
#define GUARD_FILL 0xFD            /* around every block */
#define FRESH_FILL 0xCD            /* new blocks: the module does not zero them either */
#define FREED_FILL 0xDD            /* released blocks, so reads after release look wrong */

/* Bigger than the whole RAM of any Open AT module: such a request is a bug. */
#define MAX_BLOCK_SIZE (64u * 1024 * 1024)

/* Released blocks stay poisoned in quarantine so a second release still finds them (and a
 * write after release shows when they leave); bounded in count and bytes. */
#define QUARANTINE_MAX_BLOCKS 4096
#define QUARANTINE_MAX_BYTES (4u * 1024 * 1024)

/* What adl_memGetInfo reports: nominal sizes of an Open AT application's RAM. The heap
 * is not limited; HeapSize grows to the bytes in use if they exceed the nominal figure. */
#define NOMINAL_STACK_SIZE (64u * 1024)
#define NOMINAL_HEAP_SIZE (1024u * 1024)
#define NOMINAL_GLOBAL_SIZE (128u * 1024)

#define TASK_NAME_LEN 16

/* Where a call came from: file:line from the macros, else the caller's code address. */
typedef struct {
    const char *file;
    uint32_t line;
    const void *code;
} mem_site;

typedef struct mem_block {
    uint32_t magic;
    size_t size;
    mem_site alloc;
    mem_site release;
    struct mem_block *hash_next;
    struct mem_block *prev;        /* in the live list or the quarantine, by state */
    struct mem_block *next;
    char task[TASK_NAME_LEN];
} mem_block;

/* Header, then GUARD_BYTES of front guard, then the user's bytes (aligned as malloc's). */
#define HEADER_SIZE \
    ((sizeof(mem_block) + GUARD_BYTES + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

typedef struct {
    mem_block *head;
    mem_block *tail;
    size_t count;
    size_t bytes;
} block_list;

static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
/* Every block not yet freed to the host (live or in quarantine), by user pointer. */
static mem_block **buckets;
static size_t bucket_count;        /* a power of two, or 0 before the first block */
static size_t hashed_count;
static block_list live;            /* in allocation order */
static block_list quarantine;      /* oldest first */

static unsigned char *user_of(mem_block *b)
{
    return (unsigned char *)b + HEADER_SIZE;
}

static size_t bucket_of(const void *user)
{
    uint64_t x = (uint64_t)(uintptr_t)user >> 4;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 32) & (bucket_count - 1);
}

static void hash_insert_raw(mem_block *b)
{
    size_t i = bucket_of(user_of(b));
    b->hash_next = buckets[i];
    buckets[i] = b;
}

/* Doubling keeps chains short; if the host refuses, chains just get longer. */
static void hash_grow(void)
{
    size_t old_count = bucket_count;
    mem_block **old = buckets;
    size_t count = old_count == 0 ? 1024 : old_count * 2;
    mem_block **fresh = calloc(count, sizeof *fresh);
    if (fresh == NULL)
        return;
    buckets = fresh;
    bucket_count = count;
    for (size_t i = 0; i < old_count; i++) {
        for (mem_block *b = old[i], *next; b != NULL; b = next) {
            next = b->hash_next;
            hash_insert_raw(b);
        }
    }
    free(old);
}

/* Returns false only when there is no table at all and none can be made. */
static bool hash_insert(mem_block *b)
{
    if (hashed_count >= bucket_count)
        hash_grow();
    if (bucket_count == 0)
        return false;
    hash_insert_raw(b);
    hashed_count++;
    return true;
}

static mem_block *hash_find(const void *user)
{
    if (bucket_count == 0)
        return NULL;
    for (mem_block *b = buckets[bucket_of(user)]; b != NULL; b = b->hash_next) {
        if (user_of(b) == user)
            return b;
    }
    return NULL;
}

static void hash_remove(mem_block *b)
{
    for (mem_block **link = &buckets[bucket_of(user_of(b))]; *link != NULL;
         link = &(*link)->hash_next) {
        if (*link == b) {
            *link = b->hash_next;
            hashed_count--;
            return;
        }
    }
}

static void list_append(block_list *l, mem_block *b)
{
    b->next = NULL;
    b->prev = l->tail;
    if (l->tail != NULL)
        l->tail->next = b;
    else
        l->head = b;
    l->tail = b;
    l->count++;
    l->bytes += b->size;
}

static void list_unlink(block_list *l, mem_block *b)
{
    if (b->prev != NULL)
        b->prev->next = b->next;
    else
        l->head = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
    else
        l->tail = b->prev;
    l->count--;
    l->bytes -= b->size;
}

static void site_text(char *buf, size_t len, const mem_site *s)
{
    if (s->file != NULL)
        snprintf(buf, len, "%s:%lu", s->file, (unsigned long)s->line);
    else
        snprintf(buf, len, "code address %p (a call through the function itself)", s->code);
}

static void current_task_name(char out[TASK_NAME_LEN])
{
    oat_task *t = oat_task_current();
    const char *name = t != NULL ? oat_task_name(t) : NULL;
    snprintf(out, TASK_NAME_LEN, "%s", name != NULL ? name : "no task");
}

static size_t count_unlike(const unsigned char *p, size_t n, unsigned char fill)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += p[i] != fill;
    return bad;
}

/* Damage to the guards of a block: overwritten bytes before and after it. */
typedef struct {
    size_t before;
    size_t after;
} guard_damage;

static guard_damage check_guards(mem_block *b)
{
    unsigned char *user = user_of(b);
    guard_damage d = {count_unlike(user - GUARD_BYTES, GUARD_BYTES, GUARD_FILL),
                      count_unlike(user + b->size, GUARD_BYTES, GUARD_FILL)};
    return d;
}

static void damage_text(char *buf, size_t len, guard_damage d)
{
    if (d.before != 0 && d.after != 0)
        snprintf(buf, len, "written outside its bounds (%zu of the %d guard bytes before it and "
                 "%zu of the %d after it overwritten)", d.before, GUARD_BYTES, d.after,
                 GUARD_BYTES);
    else if (d.before != 0)
        snprintf(buf, len, "underrun (%zu of the %d guard bytes before it overwritten)",
                 d.before, GUARD_BYTES);
    else
        snprintf(buf, len, "overrun (%zu of the %d guard bytes after it overwritten)", d.after,
                 GUARD_BYTES);
}

/* Free a block leaving quarantine (or the heap at stop), reporting writes after release. */
static void dispose_released(mem_block *b)
{
    if (count_unlike(user_of(b), b->size, FREED_FILL) != 0) {
        char at[160], rel[160];
        site_text(at, sizeof at, &b->alloc);
        site_text(rel, sizeof rel, &b->release);
        oat_warn("memory: the block of %zu bytes allocated at %s (task %s) was written after "
                 "its release at %s", b->size, at, b->task, rel);
    }
    free(b);
}

static void *mem_get(u32 size, mem_site site)
{
    char at[160];
    if (size == 0 || size > MAX_BLOCK_SIZE) {
        site_text(at, sizeof at, &site);
        oat_warn("adl_memGet(%lu) at %s: %s", (unsigned long)size, at,
                 size == 0 ? "a block of 0 bytes cannot be allocated"
                           : "more than the RAM of any module (64 MiB)");
        OAT_CALL_PTR("adl_memGet", NULL, "%lu", (unsigned long)size);
        oat_err_raise(ADL_ERR_MEM_GET, "adl_memGet: bad size");
        return NULL;
    }
    mem_block *b = malloc(HEADER_SIZE + size + GUARD_BYTES);
    bool hashed = false;
    if (b != NULL) {
        memset(b, 0, sizeof *b);
        b->magic = MAGIC_LIVE;
        b->size = size;
        b->alloc = site;
        current_task_name(b->task);
        memset(user_of(b) - GUARD_BYTES, GUARD_FILL, GUARD_BYTES);
        memset(user_of(b), FRESH_FILL, size);
        memset(user_of(b) + size, GUARD_FILL, GUARD_BYTES);
        pthread_mutex_lock(&mem_lock);
        hashed = hash_insert(b);
        if (hashed)
            list_append(&live, b);
        pthread_mutex_unlock(&mem_lock);
    }
    if (!hashed) {
        free(b);
        site_text(at, sizeof at, &site);
        oat_warn("adl_memGet(%lu) at %s: out of memory", (unsigned long)size, at);
        OAT_CALL_PTR("adl_memGet", NULL, "%lu", (unsigned long)size);
        oat_err_raise(ADL_ERR_MEM_GET, "adl_memGet: out of memory");
        return NULL;
    }
    OAT_CALL_PTR("adl_memGet", user_of(b), "%lu", (unsigned long)size);
    return user_of(b);
}

/* What a release found, copied out of the lock so traces and the error service run
 * without it (the error handler is application code and may allocate). */
typedef enum { RELEASE_OK, RELEASE_UNKNOWN, RELEASE_TWICE, RELEASE_DAMAGED } release_verdict;

static bool mem_release(void **ptr, mem_site site)
{
    char rel[160];
    site_text(rel, sizeof rel, &site);
    if (ptr == NULL || *ptr == NULL) {
        oat_warn("adl_memRelease at %s: %s; nothing released", rel,
                 ptr == NULL ? "the address of the pointer is NULL" : "the pointer is NULL");
        OAT_CALL_RET("adl_memRelease", FALSE, "FALSE", "%p", ptr != NULL ? *ptr : NULL);
        return FALSE;
    }
    void *user = *ptr;
    release_verdict verdict;
    mem_block copy = {0};           /* the block's record, read under the lock */
    guard_damage damage = {0, 0};
    mem_block *evicted = NULL;      /* chain (via next) of blocks leaving quarantine */

    pthread_mutex_lock(&mem_lock);
    mem_block *b = hash_find(user);
    if (b == NULL) {
        verdict = RELEASE_UNKNOWN;
    } else if (b->magic == MAGIC_FREED) {
        verdict = RELEASE_TWICE;
        copy = *b;
    } else {
        damage = check_guards(b);
        verdict = (damage.before | damage.after) != 0 ? RELEASE_DAMAGED : RELEASE_OK;
        list_unlink(&live, b);
        b->magic = MAGIC_FREED;
        b->release = site;
        memset(user, FREED_FILL, b->size);
        copy = *b;
        list_append(&quarantine, b);
        while (quarantine.count > 1 && (quarantine.count > QUARANTINE_MAX_BLOCKS ||
                                        quarantine.bytes > QUARANTINE_MAX_BYTES)) {
            mem_block *old = quarantine.head;
            list_unlink(&quarantine, old);
            hash_remove(old);
            old->next = evicted;
            evicted = old;
        }
    }
    pthread_mutex_unlock(&mem_lock);

    while (evicted != NULL) {
        mem_block *next = evicted->next;
        dispose_released(evicted);
        evicted = next;
    }

    if (verdict == RELEASE_OK) {
        *ptr = NULL;
        OAT_CALL_RET("adl_memRelease", TRUE, "TRUE", "%p", user);
        return TRUE;
    }
    char at[160], first[160], what[160];
    if (verdict == RELEASE_UNKNOWN) {
        oat_warn("adl_memRelease at %s: %p was not allocated by adl_memGet (or was released "
                 "long ago); no allocation site is known", rel, user);
        OAT_CALL_RET("adl_memRelease", FALSE, "FALSE", "%p", user);
        oat_err_raise(ADL_ERR_MEM_RELEASE, "adl_memRelease: unknown block");
    } else if (verdict == RELEASE_TWICE) {
        site_text(at, sizeof at, &copy.alloc);
        site_text(first, sizeof first, &copy.release);
        oat_warn("adl_memRelease at %s: double release of the block of %zu bytes allocated at "
                 "%s (task %s), already released at %s", rel, copy.size, at, copy.task, first);
        OAT_CALL_RET("adl_memRelease", FALSE, "FALSE", "%p", user);
        oat_err_raise(ADL_ERR_MEM_RELEASE, "adl_memRelease: double release");
    } else {
        /* The block is released all the same: it is ours, and only its guards are hurt. */
        *ptr = NULL;
        site_text(at, sizeof at, &copy.alloc);
        damage_text(what, sizeof what, damage);
        oat_warn("adl_memRelease at %s: the block of %zu bytes allocated at %s (task %s) was %s",
                 rel, copy.size, at, copy.task, what);
        OAT_CALL_RET("adl_memRelease", FALSE, "FALSE", "%p", user);
        oat_err_raise(ADL_ERR_MEM_RELEASE, "adl_memRelease: block overrun");
    }
    return FALSE;
}

void *oat_mem_get_at(u32 Size, const ascii *File, u32 Line)
{
    mem_site site = {File, Line, __builtin_return_address(0)};
    return mem_get(Size, site);
}

bool oat_mem_release_at(void **Ptr, const ascii *File, u32 Line)
{
    mem_site site = {File, Line, __builtin_return_address(0)};
    return mem_release(Ptr, site);
}

/* The name in parentheses is not expanded by the adl_memGet() macro. */
void *(adl_memGet)(u32 Size)
{
    mem_site site = {NULL, 0, __builtin_return_address(0)};
    return mem_get(Size, site);
}

bool _adl_memRelease(void **Ptr)
{
    mem_site site = {NULL, 0, __builtin_return_address(0)};
    return mem_release(Ptr, site);
}

s32 adl_memGetInfo(adl_memInfo_t *Info)
{
    if (Info == NULL) {
        oat_warn("adl_memGetInfo(NULL): the structure to fill is NULL");
        OAT_CALL_RET("adl_memGetInfo", ADL_RET_ERR_PARAM, oat_adl_ret_name(ADL_RET_ERR_PARAM),
                     "NULL");
        return ADL_RET_ERR_PARAM;
    }
    pthread_mutex_lock(&mem_lock);
    size_t in_use = live.bytes;
    pthread_mutex_unlock(&mem_lock);
    Info->StackSize = NOMINAL_STACK_SIZE;
    Info->HeapSize = in_use > NOMINAL_HEAP_SIZE ? (u32)in_use : NOMINAL_HEAP_SIZE;
    Info->GlobalSize = NOMINAL_GLOBAL_SIZE;
    Info->TotalSize = Info->StackSize + Info->HeapSize + Info->GlobalSize;
    OAT_CALL_RET("adl_memGetInfo", OK, oat_adl_ret_name(OK), "%p", (void *)Info);
    return OK;
}

void oat_mem_start(void)
{
    pthread_mutex_lock(&mem_lock);
    if (bucket_count == 0)
        hash_grow();
    pthread_mutex_unlock(&mem_lock);
}

int oat_mem_stop(void)
{
    pthread_mutex_lock(&mem_lock);
    mem_block *leaked = live.head;
    mem_block *released = quarantine.head;
    memset(&live, 0, sizeof live);
    memset(&quarantine, 0, sizeof quarantine);
    free(buckets);
    buckets = NULL;
    bucket_count = 0;
    hashed_count = 0;
    pthread_mutex_unlock(&mem_lock);

    int leaks = 0;
    char at[160], what[160];
    for (mem_block *b = leaked, *next; b != NULL; b = next) {
        next = b->next;
        site_text(at, sizeof at, &b->alloc);
        guard_damage d = check_guards(b);
        if ((d.before | d.after) != 0) {
            damage_text(what, sizeof what, d);
            oat_warn("memory: the block of %zu bytes allocated at %s (task %s) was %s", b->size,
                     at, b->task, what);
        }
        oat_warn("leak: %zu bytes allocated at %s (task %s) never released", b->size, at,
                 b->task);
        free(b);
        leaks++;
    }
    for (mem_block *b = released, *next; b != NULL; b = next) {
        next = b->next;
        dispose_released(b);
    }
    return leaks;
}
