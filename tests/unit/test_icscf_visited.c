/* test_icscf_visited.c - the I-CSCF's P-Visited-Network-ID parser
 * (icscf/icscf_visited.c, RFC 7315 4.3): a token or quoted-string,
 * parameters allowed; a second value, an empty or malformed one, or one
 * that does not fit is refused, never cut short or guessed. */
#include <errno.h>
#include <string.h>

#include "icscf_visited.h"
#include "t.h"

static void
ok(const char *v, const char *want)
{
	char out[64];
	int rc = icscf_visited_network(v, out, sizeof(out));

	T_CHECK(rc == 0 && strcmp(out, want) == 0, "\"%s\": rc %d \"%s\"",
	    v, rc, out);
}

static void
bad(const char *v, int want)
{
	char out[64];
	int rc = icscf_visited_network(v, out, sizeof(out));

	T_CHECK(rc == want && out[0] == '\0', "\"%s\": rc %d, want %d", v,
	    rc, want);
}

int
main(void)
{
	char big[80], out[9];

	ok("home.net", "home.net");
	ok("  home.net  ", "home.net");
	ok("home.net;x=1", "home.net");
	ok("home.net ; x = \"a,b\"", "home.net");
	ok("\"Visited Network Number 1\"", "Visited Network Number 1");
	ok("\"a\\\"b\"", "a\"b");
	ok("\"other, net\";p=1", "other, net");
	ok("x-y.z!%*_+`'~", "x-y.z!%*_+`'~");
	bad("", -EINVAL);
	bad("   ", -EINVAL);
	bad("\"\"", -EINVAL);
	bad(";x=1", -EINVAL);
	bad("home.net, other.net", -EINVAL);
	bad("home.net;x=1, other.net", -EINVAL);
	bad("\"home.net\", other.net", -EINVAL);
	bad("\"unterminated", -EINVAL);
	bad("\"ends in a backslash\\", -EINVAL);
	bad("home net", -EINVAL);
	bad("home.net\"", -EINVAL);
	bad("<sip:home.net>", -EINVAL);
	bad("\"a\nb\"", -EINVAL);
	bad("\"a\\\rb\"", -EINVAL);
	bad("\"a\x7f\"", -EINVAL);
	ok("\"a\tb\"", "a\tb");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bad(big, -ENOSPC);
	T_CHECK(icscf_visited_network("12345678", out, sizeof(out)) == 0 &&
	    strcmp(out, "12345678") == 0, "fits exactly");
	T_CHECK(icscf_visited_network("123456789", out, sizeof(out)) ==
	    -ENOSPC, "one too many");
	T_CHECK(icscf_visited_network("\"123456789\"", out, sizeof(out)) ==
	    -ENOSPC, "quoted, one too many");
	T_CHECK(icscf_visited_network(NULL, out, sizeof(out)) == -EINVAL,
	    "NULL");
	return t_done("test_icscf_visited");
}
