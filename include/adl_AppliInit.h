/* adl_AppliInit.h: how an Open AT application declares its entry points: the OS 6.x task
 * table adl_InitTasks[], or the older adl_main() with wm_apmCustomStackSize. */
#ifndef ADL_APPLIINIT_H
#define ADL_APPLIINIT_H

#include "wm_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ADL_INIT_POWER_ON = 0,
    ADL_INIT_REBOOT_FROM_EXCEPTION = 1,
    ADL_INIT_DOWNLOAD_SUCCESS = 2,
    ADL_INIT_DOWNLOAD_ERROR = 3,
    ADL_INIT_RTC = 4
} adl_InitType_e;

/* One row of the task table; the table ends with an all-zero row. */
typedef struct {
    void (*EntryPoint)(void);     /* run once at boot; subscribes to services and returns */
    u32 StackSize;                /* bytes */
    const ascii *Name;            /* trace element name, also the thread name */
    u8 Priority;                  /* 1..task count, unique, higher runs first */
} adl_InitTasks_t;

typedef enum {
    ADL_COMPILATION_MODE_DEBUG = 0,
    ADL_COMPILATION_MODE_RELEASE = 1
} adl_CompilationMode_e;

/* Stacks: GCC builds need about three times the size an ARM compiler needs. */
#if defined(__GNUC__)
#define ADL_DECLARE_CALL_STACK(X)    ((X) * 3)
#define ADL_DECLARE_LOWIRQ_STACK(X)  ((X) * 3)
#define ADL_DECLARE_HIGHIRQ_STACK(X) ((X) * 3)
#else
#define ADL_DECLARE_CALL_STACK(X)    (X)
#define ADL_DECLARE_LOWIRQ_STACK(X)  (X)
#define ADL_DECLARE_HIGHIRQ_STACK(X) (X)
#endif
/* The SDK's samples define these short names themselves: theirs wins when it comes first. */
#ifndef DECLARE_CALL_STACK
#define DECLARE_CALL_STACK(X)    ADL_DECLARE_CALL_STACK(X)
#endif
#ifndef DECLARE_LOWIRQ_STACK
#define DECLARE_LOWIRQ_STACK(X)  ADL_DECLARE_LOWIRQ_STACK(X)
#endif
#ifndef DECLARE_HIGHIRQ_STACK
#define DECLARE_HIGHIRQ_STACK(X) ADL_DECLARE_HIGHIRQ_STACK(X)
#endif

/* What the application defines (either the table, or adl_main + wm_apmCustomStackSize). */
extern const adl_InitTasks_t adl_InitTasks[];
extern const u32 adl_InitIRQLowLevelStackSize;
extern const u32 adl_InitIRQHighLevelStackSize;
extern const ascii adl_InitApplicationName[];
extern const ascii adl_InitCompanyName[];
extern const ascii adl_InitApplicationVersion[];
extern const adl_CompilationMode_e adl_CompilationMode;
void adl_main(adl_InitType_e InitType);
extern const u16 wm_apmCustomStackSize;
extern const u32 wm_apmIRQLowLevelStackSize;
extern const u32 wm_apmIRQHighLevelStackSize;

/* The boot reason of this run. */
adl_InitType_e adl_InitGetType(void);

#ifdef __cplusplus
}
#endif

#endif
