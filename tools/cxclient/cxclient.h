/* cxclient.h - cxclient's parts: cxclient.c (settings, the Cx commands,
 * main), cxclient_gba.c (the Zh and Zn commands, TS 29.109).
 */
#ifndef CXCLIENT_H
#define CXCLIENT_H

#include <stddef.h>
#include <stdint.h>

struct dia_conf;

/* name=HEX (at most 64 octets). */
void	out_hex(const char *name, const uint8_t *p, size_t len);

/* cxclient_gba.c: 1 when cmd is one of its commands. */
int	gba_is_cmd(const char *cmd);
/* Runs the command (its options in argv) as the BSF (zh-mar, towards the
 * HSS) or the NAF (zn-bir, towards the BSF); returns the exit status. */
int	gba_main(const char *cmd, int argc, char **argv, struct dia_conf *,
	    const char *dest_host, int debug);

/* cxclient_load.c: mar-load, many MARs over one connection; returns the
 * exit status. */
int	load_main(int argc, char **argv, struct dia_conf *,
	    const char *dest_host, int debug);

#endif
