/* module_cpu.h: the module's CPU for TLS (--module-cpu / OATEMU_MODULE_CPU): the emulated
 * time a profile's processor spends on a handshake's public-key operations, counted from the
 * handshake as it happened (certificate chain, key exchange, client signature). Off by
 * default: no time is charged. */
#ifndef OAT_MODULE_CPU_H
#define OAT_MODULE_CPU_H

#include <stddef.h>
#include <stdint.h>

typedef struct ssl_st SSL;

/* The --module-cpu option (registered by wip_options.c): "off" or a profile name
 * ("arm9-104mhz"). Returns 0, or -1 with one line in err. Reset: off. */
int oat_module_cpu_option_set(const char *value, char *err, size_t errlen);
void oat_module_cpu_option_reset(void);

/* Per SSL: counts the handshake messages that cost the client a private-key operation
 * (its CertificateVerify). Install before the handshake. */
void oat_module_cpu_watch(SSL *ssl);
/* The handshake of ssl is over: the µs the profile's CPU spent on it (0 when off). */
int64_t oat_module_cpu_handshake_us(SSL *ssl);

/* The profile's cost of one operation, µs (0 when off), for the tests' expected values:
 * RSA public / private with a modulus of bits, an elliptic-curve scalar multiplication
 * (key generation or agreement) and an ECDSA / EdDSA verify and sign on a curve of bits. */
typedef enum { OAT_CPU_RSA_PUBLIC, OAT_CPU_RSA_PRIVATE, OAT_CPU_EC_MULT, OAT_CPU_EC_VERIFY,
               OAT_CPU_EC_SIGN } oat_cpu_op;
int64_t oat_module_cpu_op_us(oat_cpu_op op, int bits);

#endif
