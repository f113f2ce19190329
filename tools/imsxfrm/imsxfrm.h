/* imsxfrm.h - what imsxfrm.c (the plain SA/policy commands, options,
 * main) shares with imsxfrm_gm.c (gm-keys and gm-sa, TS 33.203 7.1 and
 * Annex I). */
#ifndef IMSXFRM_H
#define IMSXFRM_H

#include <stdint.h>

#include "xfrm.h"

#define EX_KERNEL	1
#define EX_USAGE	2

extern const char *cmd;		/* the command, once known */

struct args {
	const char	*src, *dst, *tmpl_src, *tmpl_dst, *sel_src, *sel_dst;
	const char	*mode, *dir, *proto;
	const char	*auth, *auth_key, *enc, *enc_key, *aead, *aead_key;
	const char	*spi, *reqid, *sport, *dport, *min, *max;
	const char	*priority, *replay, *encap_sport, *encap_dport;
	const char	*ck, *ik, *alg, *ealg;		/* gm-keys, gm-sa */
	const char	*side, *ue, *pcscf, *lifetime, *larval;	/* gm-sa */
	const char	*port_uc, *port_us, *port_pc, *port_ps;
	const char	*spi_uc, *spi_us, *spi_pc, *spi_ps;
};

void	xusage(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
uint64_t num(const char *name, const char *s, uint64_t max);
void	need(const char *name, const char *v);
void	ip(const char *name, const char *s, struct xfrm_ip *out);
int	kernel_error(int rc);

/* imsxfrm_gm.c */
int	cmd_gm_keys(const struct args *);
int	cmd_gm_sa(struct xfrm_nl *, const struct args *);

#endif
