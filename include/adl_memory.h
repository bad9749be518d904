/* adl_memory.h: the ADL heap (adl_memGet / adl_memRelease) with the call site of every
 * allocation and release recorded for diagnostics. Declarations only; no host headers. */
#ifndef ADL_MEMORY_H
#define ADL_MEMORY_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    u32 TotalSize;    /* RAM available to the application */
    u32 StackSize;    /* part of it used by the call stacks */
    u32 HeapSize;     /* part of it used by the heap */
    u32 GlobalSize;   /* part of it used by global variables */
} adl_memInfo_t;

/* Real functions, for code that takes their address; the macros below record the site. */
void *adl_memGet(u32 Size);
bool _adl_memRelease(void **Ptr);
s32 adl_memGetInfo(adl_memInfo_t *Info);

/* What the macros call: the same operations with the caller's file and line. */
void *oat_mem_get_at(u32 Size, const ascii *File, u32 Line);
bool oat_mem_release_at(void **Ptr, const ascii *File, u32 Line);

/* Allocate Size bytes; NULL (and ADL_ERR_MEM_GET raised) when it cannot. */
#define adl_memGet(Size) oat_mem_get_at((u32)(Size), __FILE__, __LINE__)
/* Release the block p points to and set p to NULL; TRUE on success. */
#define adl_memRelease(p) oat_mem_release_at((void **)&(p), __FILE__, __LINE__)

/* A global kept across resets on the module. A reset here starts a new process, so such a
 * global starts from its initial value like any other (docs/api-coverage.md: partial). */
#define ADL_MEM_UNINIT(decl) decl

#ifdef __cplusplus
}
#endif

#endif
