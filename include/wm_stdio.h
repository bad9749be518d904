/* wm_stdio.h: the wm_* string helpers: libc aliases plus the Open AT conversions and
 * checks. It declares only the C library functions the SDK exposed; it includes no libc
 * header, so an application may define random, index, bzero, min... itself. */
#ifndef WM_STDIO_H
#define WM_STDIO_H

#include "wm_types.h"

#include <stdarg.h>

#ifdef __cplusplus
/* C++ forbids redeclaring these without the C library's exception specifications. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern "C" {
#else
/* The C library functions behind the wm_* aliases, as the module's library declared them. */
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
size_t strlen(const char *s);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
int strcmp(const char *s1, const char *s2);
int strncmp(const char *s1, const char *s2, size_t n);
char *strtok(char *s, const char *delim);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *s1, const void *s2, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int atoi(const char *s);
int isdigit(int c);
int sprintf(char *str, const char *format, ...);
int vsprintf(char *str, const char *format, va_list ap);
#endif

/* The module's C library also compared without case (ASCII letters), as strcmp orders. */
int stricmp(const char *s1, const char *s2);
int strnicmp(const char *s1, const char *s2, size_t n);

/* Plain libc aliases (object-like, so their address can be taken too). */
#define wm_strcpy   strcpy
#define wm_strncpy  strncpy
#define wm_strlen   strlen
#define wm_strcat   strcat
#define wm_strncat  strncat
#define wm_strcmp   strcmp
#define wm_strncmp  strncmp
#define wm_strtok   strtok
#define wm_strspn   strspn
#define wm_strcspn  strcspn
#define wm_memset   memset
#define wm_memcpy   memcpy
#define wm_memcmp   memcmp
#define wm_memmove  memmove
#define wm_atoi     atoi
#define wm_isdigit  isdigit
#define wm_sprintf  sprintf
#define wm_vsprintf vsprintf

/* Case-insensitive comparisons (ASCII letters): <0, 0 or >0 as strcmp. */
s32 wm_stricmp(const ascii *s1, const ascii *s2);
s32 wm_strnicmp(const ascii *s1, const ascii *s2, u32 n);

/* Decimal text of n in buf (at least 12 bytes); returns buf. */
ascii *wm_itoa(s32 n, ascii *buf);
/* The character itself when it qualifies, else 0. */
ascii wm_isascii(ascii c);
ascii wm_ishexa(ascii c);
/* Non-empty strings made only of digits / hex digits / phone characters. */
bool wm_isnumstring(ascii *string);
bool wm_ishexastring(ascii *string);
bool wm_isphonestring(ascii *string);

/* Value of the first len hex digits of src (len 1..8); 0 on error. */
u32 wm_hexatoi(ascii *src, u16 len);
/* Bytes of the hex string src (even length) into dst; returns dst, NULL on error. */
u8 *wm_hexatoibuf(u8 *dst, ascii *src);
/* n as len upper-case hex digits (zero-padded) into dst, NUL-terminated; returns dst. */
ascii *wm_itohexa(ascii *dst, u32 n, u8 len);
/* len bytes of src as 2*len upper-case hex digits into dst, NUL-terminated; returns dst. */
ascii *wm_ibuftohexa(ascii *dst, u8 *src, u16 len);

/* 1-based position of s among the following strings (the list ends with NULL), or 0. */
u16 wm_strSwitch(const ascii *s, ...);
/* Copy the first size characters of src (fewer if a NUL comes first) without CR and LF
 * into dst, NUL-terminated; dst may be src. Returns dst. */
ascii *wm_strRemoveCRLF(ascii *dst, ascii *src, u16 size);
/* Parameter number Position (1-based, after a "+XXX:" prefix) of the response src, without
 * its quotes, into dst. Returns dst, or NULL when there is no such parameter. */
ascii *wm_strGetParameterString(ascii *dst, const ascii *src, u8 Position);

#ifdef __cplusplus
}
#endif

#endif
