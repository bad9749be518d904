/* wm_list.c: the wm_lst* lists: a growable array of void* items, so that an item is read
 * by index in constant time (ADL_GET_PARAM). Lists are not locked: only one task runs. */
#include "wm_list.h"

#include "adl_memory.h"

#include "core/calls.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>

/* Marks a live list, so a destroyed or foreign pointer is refused instead of used. */
#define LIST_MAX_ITEMS 0x7FFF  /* indexes are s16 */
#define LIST_KNOWN_ATTRS (WM_LIST_SORTED | WM_LIST_NODUPLICATES | WM_LIST_OWN_ITEMS)

typedef struct oat_list {
    struct oat_list *next_live;
    u16 attr;
    wm_lstTable_t table;
    u16 count;
    u16 capacity;
    void **items;
} oat_list;

/* Lists alive: a handle is checked by address only, so a destroyed or made-up pointer is
 * refused without ever being read. Applications call in from one task at a time. */
static oat_list *live;

static oat_list *valid_list(const char *fn, wm_lst_t list)
{
    if (list == NULL) {
        oat_warn("%s: the list is NULL", fn);
        return NULL;
    }
    for (oat_list *l = live; l; l = l->next_live)
        if (l == list)
            return l;
    oat_warn("%s: %p is not a list (destroyed, or never created by wm_lstCreate)", fn, list);
    return NULL;
}

static int compare(const oat_list *l, void *a, void *b)
{
    if (l->table.CompareItem != NULL)
        return l->table.CompareItem(a, b);
    return a == b ? 0 : ((uintptr_t)a < (uintptr_t)b ? -1 : 1);
}

static s16 find_from(const oat_list *l, void *item, u16 start)
{
    for (u16 i = start; i < l->count; i++) {
        if (compare(l, l->items[i], item) == 0)
            return (s16)i;
    }
    return ERROR;
}

static void release_item(oat_list *l, void *item)
{
    if (!(l->attr & WM_LIST_OWN_ITEMS) || item == NULL)
        return;
    if (l->table.FreeItem != NULL)
        l->table.FreeItem(item);
    else
        adl_memRelease(item);
}

static bool grow(oat_list *l)
{
    if (l->count < l->capacity)
        return true;
    u16 cap = l->capacity == 0 ? 8 : (u16)(l->capacity * 2 > LIST_MAX_ITEMS ? LIST_MAX_ITEMS
                                                                             : l->capacity * 2);
    void **items = realloc(l->items, cap * sizeof *items);
    if (items == NULL)
        return false;
    l->items = items;
    l->capacity = cap;
    return true;
}

/* Common checks of Add/Insert: room left, duplicates. Returns false with a trace. */
static bool can_add(const char *fn, oat_list *l, void *item)
{
    if (l->count >= LIST_MAX_ITEMS) {
        oat_warn("%s(%p): the list already holds %u items, the most an s16 index allows",
                 fn, (void *)l, (unsigned)l->count);
        return false;
    }
    if ((l->attr & WM_LIST_NODUPLICATES) && find_from(l, item, 0) >= 0) {
        oat_warn("%s(%p, %p): the list refuses duplicates and an equal item is at index %d",
                 fn, (void *)l, item, find_from(l, item, 0));
        return false;
    }
    if (!grow(l)) {
        oat_warn("%s(%p): out of host memory", fn, (void *)l);
        return false;
    }
    return true;
}

static void insert_at(oat_list *l, void *item, u16 index)
{
    memmove(&l->items[index + 1], &l->items[index], (size_t)(l->count - index) * sizeof(void *));
    l->items[index] = item;
    l->count++;
}

wm_lst_t wm_lstCreate(u16 Attr, wm_lstTable_t *Table)
{
    if (Attr & ~LIST_KNOWN_ATTRS) {
        oat_warn("wm_lstCreate(0x%x, %p): unknown attribute bits 0x%x", (unsigned)Attr,
                 (void *)Table, (unsigned)(Attr & ~LIST_KNOWN_ATTRS));
        OAT_CALL_PTR("wm_lstCreate", NULL, "0x%x, %p", (unsigned)Attr, (void *)Table);
        return NULL;
    }
    if ((Attr & WM_LIST_SORTED) && (Table == NULL || Table->CompareItem == NULL)) {
        oat_warn("wm_lstCreate(0x%x, %p): WM_LIST_SORTED needs a CompareItem callback",
                 (unsigned)Attr, (void *)Table);
        OAT_CALL_PTR("wm_lstCreate", NULL, "0x%x, %p", (unsigned)Attr, (void *)Table);
        return NULL;
    }
    oat_list *l = calloc(1, sizeof *l);
    if (l == NULL) {
        oat_warn("wm_lstCreate(0x%x, %p): out of host memory", (unsigned)Attr, (void *)Table);
        OAT_CALL_PTR("wm_lstCreate", NULL, "0x%x, %p", (unsigned)Attr, (void *)Table);
        return NULL;
    }
    l->next_live = live;
    live = l;
    l->attr = Attr;
    if (Table != NULL)
        l->table = *Table;
    OAT_CALL_PTR("wm_lstCreate", l, "0x%x, %p", (unsigned)Attr, (void *)Table);
    return l;
}

static void clear_items(oat_list *l)
{
    /* Detach the items first: a FreeItem callback may look at the list. */
    void **items = l->items;
    u16 count = l->count;
    l->items = NULL;
    l->count = 0;
    l->capacity = 0;
    for (u16 i = 0; i < count; i++)
        release_item(l, items[i]);
    free(items);
}

void wm_lstDestroy(wm_lst_t list)
{
    OAT_CALL_VOID("wm_lstDestroy", "%p", list);
    oat_list *l = valid_list("wm_lstDestroy", list);
    if (l == NULL)
        return;
    clear_items(l);
    for (oat_list **p = &live; *p; p = &(*p)->next_live)
        if (*p == l) {
            *p = l->next_live;
            break;
        }
    free(l);
}

void wm_lstClear(wm_lst_t list)
{
    OAT_CALL_VOID("wm_lstClear", "%p", list);
    oat_list *l = valid_list("wm_lstClear", list);
    if (l != NULL)
        clear_items(l);
}

u16 wm_lstGetCount(wm_lst_t list)
{
    oat_list *l = valid_list("wm_lstGetCount", list);
    u16 count = l != NULL ? l->count : 0;
    OAT_CALL_RET("wm_lstGetCount", count, NULL, "%p", list);
    return count;
}

s16 wm_lstAddItem(wm_lst_t list, void *item)
{
    oat_list *l = valid_list("wm_lstAddItem", list);
    if (l == NULL || !can_add("wm_lstAddItem", l, item)) {
        OAT_CALL_RET("wm_lstAddItem", ERROR, "ERROR", "%p, %p", list, item);
        return ERROR;
    }
    u16 index = l->count;
    if (l->attr & WM_LIST_SORTED) {
        /* After every item that compares lower or equal: equal items keep their order. */
        while (index > 0 && compare(l, l->items[index - 1], item) > 0)
            index--;
    }
    insert_at(l, item, index);
    OAT_CALL_RET("wm_lstAddItem", index, NULL, "%p, %p", list, item);
    return (s16)index;
}

s16 wm_lstInsertItem(wm_lst_t list, void *item, u16 index)
{
    oat_list *l = valid_list("wm_lstInsertItem", list);
    bool ok = l != NULL;
    if (ok && (l->attr & WM_LIST_SORTED)) {
        oat_warn("wm_lstInsertItem(%p, %p, %u): the list is sorted; use wm_lstAddItem", list,
                 item, (unsigned)index);
        ok = false;
    } else if (ok && index > l->count) {
        oat_warn("wm_lstInsertItem(%p, %p, %u): index past the end (the list holds %u items)",
                 list, item, (unsigned)index, (unsigned)l->count);
        ok = false;
    }
    if (!ok || !can_add("wm_lstInsertItem", l, item)) {
        OAT_CALL_RET("wm_lstInsertItem", ERROR, "ERROR", "%p, %p, %u", list, item,
                     (unsigned)index);
        return ERROR;
    }
    insert_at(l, item, index);
    OAT_CALL_RET("wm_lstInsertItem", index, NULL, "%p, %p, %u", list, item, (unsigned)index);
    return (s16)index;
}

void *wm_lstGetItem(wm_lst_t list, u16 index)
{
    oat_list *l = valid_list("wm_lstGetItem", list);
    /* Past the end is an answer (no such item), not a fault: ADL_GET_PARAM relies on it. */
    void *item = (l != NULL && index < l->count) ? l->items[index] : NULL;
    OAT_CALL_PTR("wm_lstGetItem", item, "%p, %u", list, (unsigned)index);
    return item;
}

s16 wm_lstDeleteItem(wm_lst_t list, u16 index)
{
    oat_list *l = valid_list("wm_lstDeleteItem", list);
    if (l != NULL && index >= l->count) {
        oat_warn("wm_lstDeleteItem(%p, %u): no item at that index (the list holds %u items)",
                 list, (unsigned)index, (unsigned)l->count);
        l = NULL;
    }
    if (l == NULL) {
        OAT_CALL_RET("wm_lstDeleteItem", ERROR, "ERROR", "%p, %u", list, (unsigned)index);
        return ERROR;
    }
    void *item = l->items[index];
    l->count--;
    memmove(&l->items[index], &l->items[index + 1], (size_t)(l->count - index) * sizeof(void *));
    release_item(l, item);
    OAT_CALL_RET("wm_lstDeleteItem", l->count, NULL, "%p, %u", list, (unsigned)index);
    return (s16)l->count;
}

s16 wm_lstFindItem(wm_lst_t list, void *item)
{
    oat_list *l = valid_list("wm_lstFindItem", list);
    s16 index = l != NULL ? find_from(l, item, 0) : ERROR;
    OAT_CALL_RET("wm_lstFindItem", index, index < 0 ? "ERROR" : NULL, "%p, %p", list, item);
    return index;
}

s16 wm_lstFindNextItem(wm_lst_t list, void *item, u16 start)
{
    oat_list *l = valid_list("wm_lstFindNextItem", list);
    s16 index = l != NULL ? find_from(l, item, start) : ERROR;
    OAT_CALL_RET("wm_lstFindNextItem", index, index < 0 ? "ERROR" : NULL, "%p, %p, %u", list,
                 item, (unsigned)start);
    return index;
}

s16 *wm_lstFindAllItem(wm_lst_t list, void *item)
{
    oat_list *l = valid_list("wm_lstFindAllItem", list);
    u16 found = 0;
    for (s16 i = l != NULL ? find_from(l, item, 0) : ERROR; i >= 0;
         i = find_from(l, item, (u16)(i + 1)))
        found++;
    s16 *indexes = NULL;
    if (found > 0) {
        indexes = adl_memGet((u32)(found + 1) * sizeof *indexes);
        if (indexes != NULL) {
            u16 n = 0;
            for (s16 i = find_from(l, item, 0); i >= 0; i = find_from(l, item, (u16)(i + 1)))
                indexes[n++] = i;
            indexes[n] = ERROR;
        }
    }
    OAT_CALL_PTR("wm_lstFindAllItem", indexes, "%p, %p", list, item);
    return indexes;
}
