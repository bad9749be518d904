/* wm_list.h: the wm_lst* indexed lists of void* items (AT parameters, application data),
 * with optional ordering, duplicate refusal and ownership of items. Declarations only. */
#ifndef WM_LIST_H
#define WM_LIST_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *wm_lst_t;

/* Callbacks of a list; the table (and either pointer) may be NULL.
 * CompareItem: <0, 0, >0 like strcmp; without it items compare by address.
 * FreeItem: releases an item the list owns (see WM_LIST_OWN_ITEMS). */
typedef struct {
    s16 (*CompareItem)(void *Item1, void *Item2);
    void (*FreeItem)(void *Item);
} wm_lstTable_t;

/* Attributes given to wm_lstCreate (combinable). */
#define WM_LIST_NONE         0x0000
#define WM_LIST_SORTED       0x0001  /* AddItem keeps items in CompareItem order */
#define WM_LIST_NODUPLICATES 0x0002  /* Add/InsertItem refuse an item equal to one present */
#define WM_LIST_OWN_ITEMS    0x0004  /* Delete/Clear/Destroy release the items: with FreeItem,
                                        or with adl_memRelease when FreeItem is NULL */

/* The table is copied; NULL when the attributes are invalid. */
wm_lst_t wm_lstCreate(u16 Attr, wm_lstTable_t *Table);
void wm_lstDestroy(wm_lst_t list);
void wm_lstClear(wm_lst_t list);
u16 wm_lstGetCount(wm_lst_t list);
/* Index the item got, or ERROR (duplicate refused, list full, bad list). */
s16 wm_lstAddItem(wm_lst_t list, void *item);
/* Insert at index (0..count; not for sorted lists); the index, or ERROR. */
s16 wm_lstInsertItem(wm_lst_t list, void *item, u16 index);
/* The item at index, or NULL past the end. */
void *wm_lstGetItem(wm_lst_t list, u16 index);
/* Remove the item at index; the remaining count, or ERROR. */
s16 wm_lstDeleteItem(wm_lst_t list, u16 index);
/* Index of the first item equal to item, or ERROR when none. */
s16 wm_lstFindItem(wm_lst_t list, void *item);
/* Index of the first item equal to item at or after index start, or ERROR when none. */
s16 wm_lstFindNextItem(wm_lst_t list, void *item, u16 start);
/* Indexes of every item equal to item, in an array ending with ERROR, allocated with
 * adl_memGet (release it with adl_memRelease); NULL when none. */
s16 *wm_lstFindAllItem(wm_lst_t list, void *item);

#ifdef __cplusplus
}
#endif

#endif
