/* icscf_visited.c - the visited network of a REGISTER: the value of the
 * P-Visited-Network-ID header a P-CSCF inserts (RFC 7315 4.3, TS 24.229
 * 5.2.2.1), which the UAR carries as Visited-Network-Identifier (TS
 * 29.228 6.1.1) for the HSS's roaming rules.  Read whole or refused:
 * never cut short, never one of several.
 */
#include <errno.h>
#include <string.h>

#include "icscf_visited.h"

/* RFC 3261 25.1 token characters. */
static int
token_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') ||
	    (ch != '\0' && strchr("-.!%*_+`'~", ch) != NULL);
}

int
icscf_visited_network(const char *v, char *out, size_t size)
{
	size_t len = 0;
	int quoted = 0, rc = -EINVAL;

	if (v == NULL || out == NULL || size == 0)
		return -EINVAL;
	v += strspn(v, " \t");
	/* vnetwork-spec = (token / quoted-string) *(SEMI vnetwork-param) */
	if (*v == '"') {
		for (v++; *v != '"'; v++) {
			if (*v == '\0')
				goto fail;
			if (*v == '\\' && v[1] != '\0')
				v++;		/* quoted-pair */
			/* qdtext and quoted-pair: no control but HTAB. */
			if (((unsigned char)*v < 0x20 && *v != '\t') ||
			    *v == 0x7f)
				goto fail;
			if (len + 1 >= size) {
				rc = -ENOSPC;
				goto fail;
			}
			out[len++] = *v;
		}
		v++;
	} else
		for (; token_char(*v); v++) {
			if (len + 1 >= size) {
				rc = -ENOSPC;
				goto fail;
			}
			out[len++] = *v;
		}
	v += strspn(v, " \t");
	if (len == 0 || (*v != '\0' && *v != ';'))
		goto fail;
	/* Parameters may follow; a second vnetwork-spec may not. */
	for (; *v != '\0'; v++)
		if (*v == '"')
			quoted = !quoted;
		else if (*v == '\\' && quoted && v[1] != '\0')
			v++;
		else if (*v == ',' && !quoted)
			goto fail;
	out[len] = '\0';
	return 0;
fail:
	out[0] = '\0';
	return rc;
}
