/* imsauth.c - command-line front end to the AKA, digest and GBA modules.
 *
 * Output contract (scripts depend on it): one name=value line per result,
 * lower-case hex; exit 0 on success, 1 on a failed verification, 2 on bad
 * usage or input with a one-line error on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imsauth.h"
#include "log.h"
#include "milenage.h"
#include "util.h"

static const struct cmd {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
} cmds[] = {
	{ "milenage", cmd_milenage,
	  "--k HEX (--op HEX | --opc HEX) --rand HEX --sqn HEX --amf HEX" },
	{ "tuak", cmd_tuak,
	  "--k HEX (--top HEX | --topc HEX) --rand HEX --sqn HEX --amf HEX\n"
	  "\t[--keccak-iterations N] [--mac-bits 64|128|256]\n"
	  "\t[--res-bits 32|64|128|256] [--ck-bits 128|256] [--ik-bits 128|256]" },
	{ "auts", cmd_auts,
	  "--k HEX (--op HEX | --opc HEX) --rand HEX --auts HEX" },
	{ "auts-make", cmd_auts_make,
	  "--k HEX (--op HEX | --opc HEX) --rand HEX --sqn-ms HEX" },
	{ "vector", cmd_vector,
	  "--k HEX (--op HEX | --opc HEX) --sqn HEX --amf HEX [--rand HEX]" },
	{ "ue-check", cmd_ue_check,
	  "--k HEX (--op HEX | --opc HEX) --rand HEX --autn HEX\n"
	  "\t[--sqn-ms HEX] [--ind-bits N] [--amf-sep 0|1]" },
	{ "digest", cmd_digest,
	  "--algorithm AKAv1-MD5|AKAv2-MD5 --username S --realm S --method S\n"
	  "\t--uri S --nonce S --res HEX|\"\" [--ck HEX --ik HEX]\n"
	  "\t[--qop auth --nc HEX --cnonce S]" },
	{ "ks-naf", cmd_ks_naf,
	  "--ck HEX --ik HEX --rand HEX --impi S --naf-id HEX" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: imsauth COMMAND [--option value ...]\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  imsauth %s %s\n", cmds[i].name, cmds[i].usage);
}

void
out_hex(const char *name, const uint8_t *buf, size_t len)
{
	char hex[2 * 64 + 1];

	if (len > 64)
		len = 64;
	hex_encode(buf, len, hex);
	printf("%s=%s\n", name, hex);
}

void
out_str(const char *name, const char *value)
{
	printf("%s=%s\n", name, value);
}

void
lib_error(const char *cmd, int rc)
{
	fprintf(stderr, "imsauth: %s: internal error (%s)\n", cmd,
	    strerror(rc < 0 ? -rc : rc));
	exit(2);
}

struct milenage_ctx *
ctx_from_opts(const struct opts *o, uint8_t opc_out[16])
{
	uint8_t k[16], op[16], opc[16];
	struct milenage_ctx *ctx;
	int rc;

	opts_hex(o, "k", k, sizeof(k));
	if (opts_one_of(o, "op", "opc") == 0) {
		opts_hex(o, "op", op, sizeof(op));
		if ((rc = milenage_opc(k, op, opc)) < 0)
			lib_error(o->cmd, rc);
		secure_wipe(op, sizeof(op));
	} else
		opts_hex(o, "opc", opc, sizeof(opc));
	if ((ctx = milenage_new(k, opc)) == NULL)
		lib_error(o->cmd, -12);
	if (opc_out != NULL)
		memcpy(opc_out, opc, 16);
	secure_wipe(k, sizeof(k));
	secure_wipe(opc, sizeof(opc));
	return ctx;
}

int
main(int argc, char **argv)
{
	size_t i;

	log_init("imsauth", LOG_LVL_WARN);
	if (argc < 2) {
		fprintf(stderr, "imsauth: missing command (try imsauth help)\n");
		return 2;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NCMDS; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "imsauth: unknown command \"%s\" (try imsauth help)\n",
	    argv[1]);
	return 2;
}
