/* imsauth.h - sub-commands of the imsauth tool and their output helpers. */
#ifndef IMSAUTH_H
#define IMSAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "cliopts.h"

struct milenage_ctx;

/* Output: one name=value line per result, lower-case hex. */
void	out_hex(const char *name, const uint8_t *buf, size_t len);
void	out_str(const char *name, const char *value);
/* A Milenage context from --k and --op | --opc (opc_out may be NULL).
 * Exits 2 on bad input. */
struct milenage_ctx *ctx_from_opts(const struct opts *, uint8_t opc_out[16]);
/* Exit status for an internal library error (OpenSSL failure). */
void	lib_error(const char *cmd, int rc) __attribute__((noreturn));

/* cmd_aka.c */
int	cmd_milenage(int, char **);
int	cmd_vector(int, char **);
int	cmd_auts(int, char **);
int	cmd_auts_make(int, char **);
int	cmd_ue_check(int, char **);
/* cmd_tuak.c */
int	cmd_tuak(int, char **);
/* cmd_digest.c */
int	cmd_digest(int, char **);
int	cmd_ks_naf(int, char **);

#endif
