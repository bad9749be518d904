/* wm_types.h: the basic Open AT types and constants (fixed-width integers, bool, ascii,
 * OK/ERROR). Pulls in only the compiler's <stdint.h> and <stddef.h>; no C library header. */
#ifndef WM_TYPES_H
#define WM_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t  u8;
typedef int8_t   s8;
typedef uint16_t u16;
typedef int16_t  s16;
typedef uint32_t u32;
typedef int32_t  s32;
typedef uint64_t u64;
typedef int64_t  s64;
typedef char     ascii;

/* bool is the SDK's one-byte typedef, so an application may typedef it the same way or
 * include <stdbool.h> after us. C++ and C23 have bool built in; a <stdbool.h> included
 * before us is kept (its _Bool is one byte too). */
#if !defined(__cplusplus) && !defined(__bool_true_false_are_defined) && \
    !(defined(__STDC_VERSION__) && __STDC_VERSION__ >= 202311L)
typedef unsigned char bool;
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef OK
#define OK 0
#endif
#ifndef ERROR
#define ERROR (-1)
#endif

/* The level of the Open AT OS API emulated (OS 6.x, as in the 6.5x SDKs). */
#ifndef __OAT_API_VERSION__
#define __OAT_API_VERSION__ 651
#endif

#endif
