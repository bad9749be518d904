/* adl_flash.h: the ADL flash object service (numbered objects under a named handle that
 * survive resets). Declarations only; it must not pull in any host header. */
#ifndef ADL_FLASH_H
#define ADL_FLASH_H

#include "wm_types.h"
#include "adl_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ADL_FLH_RET_ERR_OBJ_NOT_EXIST   (-20)   /* no object under that ID */
#define ADL_FLH_RET_ERR_MEM_FULL        (-21)   /* the flash space is used up */
#define ADL_FLH_RET_ERR_NO_ENOUGH_IDS   (-22)   /* not that many IDs left to reserve */
#define ADL_FLH_RET_ERR_ID_OUT_OF_RANGE (-23)   /* ID >= the count reserved by the handle */

#define ADL_FLH_ALL_IDS 0xFFFF

/* Handle: any string of 1..64 characters (longer: ADL_RET_ERR_PARAM). Reserve IDs
 * 0..NbObjectsRes-1 for this run. */
s8 adl_flhSubscribe(const ascii *Handle, u16 NbObjectsRes);
/* The object's length in bytes, 0 if it does not exist, or a negative error. */
s32 adl_flhExist(const ascii *Handle, u16 ID);
/* Read the first Len bytes (Len <= the object's length). */
s8 adl_flhRead(const ascii *Handle, u16 ID, u16 Len, u8 *ReadData);
/* Write (create or replace) an object of Len bytes, 1..30720. */
s8 adl_flhWrite(const ascii *Handle, u16 ID, u16 Len, const u8 *WriteData);
/* Erase one object, or every object of the handle with ID = ADL_FLH_ALL_IDS. */
s8 adl_flhErase(const ascii *Handle, u16 ID);
/* Bytes of flash left for objects. */
u32 adl_flhGetFreeMem(void);
/* IDs reserved by Handle; with Handle = NULL, IDs still free to reserve. */
s32 adl_flhGetIDCount(const ascii *Handle);
/* Bytes used by objects StartID..EndID of Handle; with Handle = NULL, by every object. */
s32 adl_flhGetUsedSize(const ascii *Handle, u16 StartID, u16 EndID);

#ifdef __cplusplus
}
#endif

#endif
