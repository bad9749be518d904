/* flash.c: flash objects kept as files <flash_dir>/<handle>/<id>, so they survive restarts like
 * the module's flash. It must never leave a half-written object: writes go to a temporary
 * file renamed over the old one. Subscriptions last one run, objects last until erased. */
#include "adl_flash.h"

#include "adl/services.h"
#include "adl/adl_options.h"
#include "core/calls.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLH_TOTAL_BYTES (256u * 1024u)   /* flash space for the application's objects */
#define FLH_TOTAL_IDS 2048u              /* IDs all handles together may reserve */
#define FLH_OBJECT_MAX (30u * 1024u)
#define FLH_HANDLE_MAX 64                /* spec §2.9: at least 32; deployed handles reach 19 */
#define FLH_DIR_MAX OAT_FLASH_DIR_MAX
/* the directory, "/", a handle of %XX-encoded bytes, "/.<id>.tmp" */
#define FLH_PATH_MAX (FLH_DIR_MAX + 3 * FLH_HANDLE_MAX + 16)

typedef struct flh_sub {
    char handle[FLH_HANDLE_MAX + 1];
    u16 count;
    struct flh_sub *next;
} flh_sub;

/* Calls come from tasks one at a time, but the lock keeps the counters honest regardless. */
static pthread_mutex_t flh_lock = PTHREAD_MUTEX_INITIALIZER;
static bool flh_ready;
static char flh_dir[FLH_PATH_MAX];
static flh_sub *flh_subs;
static u32 flh_ids_reserved;
static u64 flh_used;                     /* bytes of every object on disk */

static const char *flh_ret_name(long long r)
{
    return r < 0 ? oat_err_name(&oat_adl_flh_errors, r) : NULL;
}

static const char *flh_show(const ascii *h)
{
    return h != NULL ? h : "(null)";
}

/* mkdir -p */
static int flh_mkdirs(const char *path)
{
    char buf[FLH_PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = c;
            if (c == '\0')
                break;
        }
    }
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

/* Append printf-style at *pos, never past size (paths are bounded by FLH_PATH_MAX). */
static void flh_append(char *out, size_t size, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void flh_append(char *out, size_t size, size_t *pos, const char *fmt, ...)
{
    if (*pos >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *pos, size - *pos, fmt, ap);
    va_end(ap);
    *pos = n < 0 ? size : *pos + (size_t)n;
}

/* <flash_dir>/<handle>: letters, digits, '_' and '-' as they are, every other byte ('.', '/',
 * '%', spaces, non-ASCII) as %XX, so the name is safe and two handles never share it. */
static size_t flh_handle_dir(const char *handle, char *out, size_t size)
{
    size_t pos = 0;
    flh_append(out, size, &pos, "%s/", flh_dir);
    for (const unsigned char *p = (const unsigned char *)handle; *p != '\0'; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || *p == '_' || *p == '-')
            flh_append(out, size, &pos, "%c", *p);
        else
            flh_append(out, size, &pos, "%%%02X", *p);
    }
    return pos;
}

/* <flash_dir>/<handle>/<id>, or the temporary file <flash_dir>/<handle>/.<id>.tmp */
static void flh_object_path(const char *handle, u16 id, bool tmp, char *out, size_t size)
{
    size_t pos = flh_handle_dir(handle, out, size);
    flh_append(out, size, &pos, tmp ? "/.%u.tmp" : "/%u", (unsigned)id);
}

/* Object length in bytes, 0 if absent. */
static u32 flh_object_len(const char *handle, u16 id)
{
    char path[FLH_PATH_MAX];
    struct stat st;
    flh_object_path(handle, id, false, path, sizeof path);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (u32)st.st_size : 0;
}

static bool flh_is_object_name(const char *name)
{
    if (*name == '\0')
        return false;
    for (; *name != '\0'; name++)
        if (*name < '0' || *name > '9')
            return false;
    return true;
}

/* readdir(), warning when it fails rather than ending the listing as if it were complete. */
static struct dirent *flh_readdir(DIR *d, const char *dir)
{
    errno = 0;
    struct dirent *e = readdir(d);
    if (e == NULL && errno != 0)
        oat_warn("flash: cannot list \"%s\": %s; the objects in it are not counted", dir,
                 strerror(errno));
    return e;
}

/* Sum the sizes of the object files in one handle directory, removing them when erase. */
static u64 flh_walk_objects(const char *dir, bool erase)
{
    u64 total = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = flh_readdir(d, dir)) != NULL) {
        if (!flh_is_object_name(e->d_name))
            continue;
        char path[FLH_PATH_MAX];
        size_t pos = 0;
        struct stat st;
        flh_append(path, sizeof path, &pos, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (erase && unlink(path) != 0)
            continue;
        total += (u64)st.st_size;
    }
    closedir(d);
    return total;
}

static u64 flh_scan_used(void)
{
    u64 total = 0;
    DIR *d = opendir(flh_dir);
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = flh_readdir(d, flh_dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[FLH_PATH_MAX];
        size_t pos = 0;
        flh_append(path, sizeof path, &pos, "%s/%s", flh_dir, e->d_name);
        total += flh_walk_objects(path, false);
    }
    closedir(d);
    return total;
}

int oat_flash_start(char *err, size_t errlen)
{
    const char *dir = oat_adl_cfg()->flash_dir;
    pthread_mutex_lock(&flh_lock);
    flh_ready = false;
    int ret = -1;
    if (dir[0] == '\0') {
        snprintf(err, errlen, "flash: no flash directory configured (--flash-dir)");
    } else if (strlen(dir) >= FLH_DIR_MAX) {
        snprintf(err, errlen, "flash: flash directory \"%s\" is too long (--flash-dir)", dir);
    } else if (flh_mkdirs(dir) != 0) {
        snprintf(err, errlen, "flash: cannot create flash directory \"%s\": %s (--flash-dir)", dir,
                 strerror(errno));
    } else if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "flash: cannot write in flash directory \"%s\": %s (--flash-dir)",
                 dir, strerror(errno));
    } else {
        snprintf(flh_dir, sizeof flh_dir, "%s", dir);
        flh_used = flh_scan_used();
        flh_ready = true;
        ret = 0;
    }
    pthread_mutex_unlock(&flh_lock);
    return ret;
}

void oat_flash_stop(void)
{
    pthread_mutex_lock(&flh_lock);
    while (flh_subs != NULL) {
        flh_sub *next = flh_subs->next;
        free(flh_subs);
        flh_subs = next;
    }
    flh_ids_reserved = 0;
    flh_used = 0;
    flh_ready = false;
    pthread_mutex_unlock(&flh_lock);
}

/* Handle syntax: any NUL-terminated string of 1..FLH_HANDLE_MAX bytes. Warns naming fn. */
static bool flh_handle_ok(const char *fn, const ascii *handle)
{
    if (handle == NULL)
        oat_warn("%s: Handle is NULL", fn);
    else if (handle[0] == '\0')
        oat_warn("%s: Handle is empty", fn);
    else if (strnlen(handle, FLH_HANDLE_MAX + 1) > FLH_HANDLE_MAX)
        oat_warn("%s: Handle \"%.16s...\" is longer than %d characters", fn, handle,
                 FLH_HANDLE_MAX);
    else
        return true;
    return false;
}

static flh_sub *flh_find(const char *handle)
{
    for (flh_sub *s = flh_subs; s != NULL; s = s->next)
        if (strcmp(s->handle, handle) == 0)
            return s;
    return NULL;
}

/* Common checks of calls on one object (lock held): the service works, the handle is valid
 * and subscribed, the ID is reserved (ADL_FLH_ALL_IDS too when all_ok). Returns OK or the
 * error, warned. */
static s32 flh_check(const char *fn, const ascii *handle, u16 id, bool all_ok, flh_sub **sub)
{
    if (!flh_handle_ok(fn, handle))
        return ADL_RET_ERR_PARAM;
    if (!flh_ready) {
        oat_warn("%s: Handle \"%s\": the flash directory is unavailable", fn, handle);
        return ADL_RET_ERR_FATAL;
    }
    *sub = flh_find(handle);
    if (*sub == NULL) {
        oat_warn("%s: Handle \"%s\" is not subscribed (adl_flhSubscribe first)", fn, handle);
        return ADL_RET_ERR_UNKNOWN_HDL;
    }
    if (id >= (*sub)->count && !(all_ok && id == ADL_FLH_ALL_IDS)) {
        oat_warn("%s: Handle \"%s\": ID %u is out of range (%u IDs subscribed)", fn, handle,
                 (unsigned)id, (unsigned)(*sub)->count);
        return ADL_FLH_RET_ERR_ID_OUT_OF_RANGE;
    }
    return OK;
}

s8 adl_flhSubscribe(const ascii *Handle, u16 NbObjectsRes)
{
    s8 ret = OK;
    pthread_mutex_lock(&flh_lock);
    if (!flh_handle_ok("adl_flhSubscribe", Handle)) {
        ret = ADL_RET_ERR_PARAM;
    } else if (NbObjectsRes == 0) {
        oat_warn("adl_flhSubscribe: Handle \"%s\": NbObjectsRes is 0", Handle);
        ret = ADL_RET_ERR_PARAM;
    } else if (!flh_ready) {
        oat_warn("adl_flhSubscribe: Handle \"%s\": the flash directory is unavailable", Handle);
        ret = ADL_RET_ERR_FATAL;
    } else if (flh_find(Handle) != NULL) {
        oat_warn("adl_flhSubscribe: Handle \"%s\" is already subscribed in this run", Handle);
        ret = ADL_RET_ERR_ALREADY_SUBSCRIBED;
    } else if (flh_ids_reserved + NbObjectsRes > FLH_TOTAL_IDS) {
        oat_warn("adl_flhSubscribe: Handle \"%s\": NbObjectsRes %u exceeds the %u IDs left",
                 Handle, (unsigned)NbObjectsRes, (unsigned)(FLH_TOTAL_IDS - flh_ids_reserved));
        ret = ADL_FLH_RET_ERR_NO_ENOUGH_IDS;
    } else {
        flh_sub *s = calloc(1, sizeof *s);
        if (s == NULL) {
            oat_warn("adl_flhSubscribe: Handle \"%s\": out of host memory", Handle);
            ret = ADL_RET_ERR_FATAL;
        } else {
            snprintf(s->handle, sizeof s->handle, "%s", Handle);
            s->count = NbObjectsRes;
            s->next = flh_subs;
            flh_subs = s;
            flh_ids_reserved += NbObjectsRes;
        }
    }
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhSubscribe", ret, flh_ret_name(ret), "\"%s\", %u", flh_show(Handle),
                 (unsigned)NbObjectsRes);
    return ret;
}

s32 adl_flhExist(const ascii *Handle, u16 ID)
{
    flh_sub *sub;
    pthread_mutex_lock(&flh_lock);
    s32 ret = flh_check("adl_flhExist", Handle, ID, false, &sub);
    if (ret == OK)
        ret = (s32)flh_object_len(Handle, ID);
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhExist", ret, flh_ret_name(ret), "\"%s\", %u", flh_show(Handle),
                 (unsigned)ID);
    return ret;
}

static bool flh_read_all(int fd, u8 *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = read(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static bool flh_write_all(int fd, const u8 *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

s8 adl_flhRead(const ascii *Handle, u16 ID, u16 Len, u8 *ReadData)
{
    flh_sub *sub;
    pthread_mutex_lock(&flh_lock);
    s32 ret = flh_check("adl_flhRead", Handle, ID, false, &sub);
    if (ret == OK) {
        u32 have = flh_object_len(Handle, ID);
        if (ReadData == NULL) {
            oat_warn("adl_flhRead: Handle \"%s\" ID %u: ReadData is NULL", Handle, (unsigned)ID);
            ret = ADL_RET_ERR_PARAM;
        } else if (have == 0) {
            oat_warn("adl_flhRead: Handle \"%s\" ID %u: no such object", Handle, (unsigned)ID);
            ret = ADL_FLH_RET_ERR_OBJ_NOT_EXIST;
        } else if (Len == 0 || Len > have) {
            oat_warn("adl_flhRead: Handle \"%s\" ID %u: Len %u is not 1..%u (the object's "
                     "length)", Handle, (unsigned)ID, (unsigned)Len, (unsigned)have);
            ret = ADL_RET_ERR_PARAM;
        } else {
            char path[FLH_PATH_MAX];
            flh_object_path(Handle, ID, false, path, sizeof path);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || !flh_read_all(fd, ReadData, Len)) {
                oat_warn("adl_flhRead: Handle \"%s\" ID %u: cannot read %s: %s", Handle,
                         (unsigned)ID, path, strerror(errno));
                ret = ADL_RET_ERR_FATAL;
            }
            if (fd >= 0)
                close(fd);
        }
    }
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhRead", ret, flh_ret_name(ret), "\"%s\", %u, %u, %p", flh_show(Handle),
                 (unsigned)ID, (unsigned)Len, (void *)ReadData);
    return (s8)ret;
}

/* Replace the object atomically: a temporary file in the same directory, then rename. */
static s32 flh_store(const char *handle, u16 id, const u8 *data, u16 len)
{
    char dir[FLH_PATH_MAX], tmp[FLH_PATH_MAX], path[FLH_PATH_MAX];
    flh_handle_dir(handle, dir, sizeof dir);
    flh_object_path(handle, id, true, tmp, sizeof tmp);
    flh_object_path(handle, id, false, path, sizeof path);
    const char *failed = "create the directory";
    if (flh_mkdirs(dir) == 0) {
        failed = "write";
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd >= 0) {
            bool ok = flh_write_all(fd, data, len);
            ok = close(fd) == 0 && ok;
            if (ok && rename(tmp, path) == 0)
                return OK;
            int err = errno;
            unlink(tmp);
            errno = err;
        }
    }
    oat_warn("adl_flhWrite: Handle \"%s\" ID %u: cannot %s %s: %s", handle, (unsigned)id, failed,
             path, strerror(errno));
    return ADL_RET_ERR_FATAL;
}

s8 adl_flhWrite(const ascii *Handle, u16 ID, u16 Len, const u8 *WriteData)
{
    flh_sub *sub;
    pthread_mutex_lock(&flh_lock);
    s32 ret = flh_check("adl_flhWrite", Handle, ID, false, &sub);
    if (ret == OK) {
        u32 old = flh_object_len(Handle, ID);
        if (WriteData == NULL) {
            oat_warn("adl_flhWrite: Handle \"%s\" ID %u: WriteData is NULL", Handle, (unsigned)ID);
            ret = ADL_RET_ERR_PARAM;
        } else if (Len == 0 || Len > FLH_OBJECT_MAX) {
            oat_warn("adl_flhWrite: Handle \"%s\" ID %u: Len %u is not 1..%u (an object holds at "
                     "most 30 KB)", Handle, (unsigned)ID, (unsigned)Len, FLH_OBJECT_MAX);
            ret = ADL_RET_ERR_PARAM;
        } else if (flh_used - old + Len > FLH_TOTAL_BYTES) {
            oat_warn("adl_flhWrite: Handle \"%s\" ID %u: Len %u does not fit, %llu of %u bytes "
                     "of flash used", Handle, (unsigned)ID, (unsigned)Len,
                     (unsigned long long)flh_used, FLH_TOTAL_BYTES);
            ret = ADL_FLH_RET_ERR_MEM_FULL;
        } else {
            ret = flh_store(Handle, ID, WriteData, Len);
            if (ret == OK)
                flh_used = flh_used - old + Len;
        }
    }
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhWrite", ret, flh_ret_name(ret), "\"%s\", %u, %u, %p", flh_show(Handle),
                 (unsigned)ID, (unsigned)Len, (const void *)WriteData);
    return (s8)ret;
}

s8 adl_flhErase(const ascii *Handle, u16 ID)
{
    flh_sub *sub;
    pthread_mutex_lock(&flh_lock);
    s32 ret = flh_check("adl_flhErase", Handle, ID, true, &sub);
    if (ret == OK && ID == ADL_FLH_ALL_IDS) {
        char dir[FLH_PATH_MAX];
        flh_handle_dir(Handle, dir, sizeof dir);
        flh_used -= flh_walk_objects(dir, true);
    } else if (ret == OK) {
        u32 have = flh_object_len(Handle, ID);
        char path[FLH_PATH_MAX];
        flh_object_path(Handle, ID, false, path, sizeof path);
        if (have == 0) {
            oat_warn("adl_flhErase: Handle \"%s\" ID %u: no such object", Handle, (unsigned)ID);
            ret = ADL_FLH_RET_ERR_OBJ_NOT_EXIST;
        } else if (unlink(path) != 0) {
            oat_warn("adl_flhErase: Handle \"%s\" ID %u: cannot remove %s: %s", Handle,
                     (unsigned)ID, path, strerror(errno));
            ret = ADL_RET_ERR_FATAL;
        } else {
            flh_used -= have;
        }
    }
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhErase", ret, flh_ret_name(ret), "\"%s\", %u", flh_show(Handle),
                 (unsigned)ID);
    return (s8)ret;
}

u32 adl_flhGetFreeMem(void)
{
    pthread_mutex_lock(&flh_lock);
    u32 free_bytes = !flh_ready ? 0
                     : flh_used >= FLH_TOTAL_BYTES ? 0 : (u32)(FLH_TOTAL_BYTES - flh_used);
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhGetFreeMem", free_bytes, NULL, "%s", "");
    return free_bytes;
}

s32 adl_flhGetIDCount(const ascii *Handle)
{
    s32 ret;
    pthread_mutex_lock(&flh_lock);
    if (Handle == NULL) {
        ret = (s32)(FLH_TOTAL_IDS - flh_ids_reserved);
    } else if (!flh_handle_ok("adl_flhGetIDCount", Handle)) {
        ret = ADL_RET_ERR_PARAM;
    } else {
        flh_sub *sub = flh_find(Handle);
        if (sub != NULL) {
            ret = sub->count;
        } else {
            oat_warn("adl_flhGetIDCount: Handle \"%s\" is not subscribed", Handle);
            ret = ADL_RET_ERR_UNKNOWN_HDL;
        }
    }
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhGetIDCount", ret, flh_ret_name(ret), "\"%s\"", flh_show(Handle));
    return ret;
}

s32 adl_flhGetUsedSize(const ascii *Handle, u16 StartID, u16 EndID)
{
    flh_sub *sub;
    s32 ret;
    pthread_mutex_lock(&flh_lock);
    if (Handle == NULL) {
        ret = (s32)flh_used;
    } else if (StartID > EndID) {
        oat_warn("adl_flhGetUsedSize: Handle \"%.16s\": StartID %u is after EndID %u", Handle,
                 (unsigned)StartID, (unsigned)EndID);
        ret = ADL_RET_ERR_PARAM;
    } else {
        ret = flh_check("adl_flhGetUsedSize", Handle, EndID, false, &sub);
        for (u32 id = StartID; ret >= 0 && id <= EndID; id++)
            ret += (s32)flh_object_len(Handle, (u16)id);
    }
    pthread_mutex_unlock(&flh_lock);
    OAT_CALL_RET("adl_flhGetUsedSize", ret, flh_ret_name(ret), "\"%s\", %u, %u", flh_show(Handle),
                 (unsigned)StartID, (unsigned)EndID);
    return ret;
}
