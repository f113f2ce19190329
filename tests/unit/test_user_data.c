/* test_user_data.c - the S-CSCF's P-Associated-URI from the SAA's
 * User-Data (scscf/user_data.c, TS 29.228 Annex B). */
#include <errno.h>
#include <string.h>

#include "t.h"
#include "user_data.h"

#define IMPU	"sip:alice@ims.example.org"

static int
assoc(const char *xml, char *out, size_t size)
{
	return user_data_assoc(xml, strlen(xml), IMPU, out, size);
}

static void
test_profiles(void)
{
	static const char xml[] =
	    "<?xml version=\"1.0\"?><IMSSubscription><PrivateID>alice@ims."
	    "example.org</PrivateID><ServiceProfile><PublicIdentity>"
	    "<Identity>sip:alice@ims.example.org</Identity></PublicIdentity>"
	    "<PublicIdentity><BarringIndication>0</BarringIndication>"
	    "<Identity>tel:+15550100</Identity><IdentityType>0"
	    "</IdentityType></PublicIdentity></ServiceProfile>"
	    "<ServiceProfile><PublicIdentity><Identity>\n sip:a2@ims.example."
	    "org \n</Identity></PublicIdentity></ServiceProfile>"
	    "</IMSSubscription>";
	char out[256];
	int rc;

	rc = assoc(xml, out, sizeof(out));
	T_CHECK(rc == 3, "rc %d", rc);
	T_CHECK(strcmp(out, "<sip:alice@ims.example.org>, <tel:+15550100>, "
	    "<sip:a2@ims.example.org>") == 0, "%s", out);
}

static void
test_skipped(void)
{
	static const char xml[] =
	    "<IMSSubscription><ServiceProfile>"
	    "<PublicIdentity><BarringIndication>1</BarringIndication>"
	    "<Identity>sip:barred@x</Identity></PublicIdentity>"
	    "<PublicIdentity><Identity>sip:b@x;p=a&amp;q</Identity>"
	    "</PublicIdentity>"
	    "<PublicIdentity><Identity>sip:b@x;p=a&amp;q</Identity>"
	    "</PublicIdentity>"
	    "<PublicIdentity/>"
	    "<PublicIdentity><Identity>&#x3c;sip:c@x</Identity>"
	    "</PublicIdentity>"
	    "<PublicIdentity><Identity>sip:d@x&gt;\r\nVia: evil"
	    "</Identity></PublicIdentity>"
	    "<PublicIdentity><Identity>no-scheme</Identity></PublicIdentity>"
	    "<PublicIdentity><BarringIndication>true</BarringIndication>"
	    "<Identity>sip:barred2@x</Identity></PublicIdentity>"
	    "</ServiceProfile></IMSSubscription>";
	char out[256];
	int rc;

	rc = assoc(xml, out, sizeof(out));
	T_CHECK(rc == 1, "rc %d", rc);
	T_CHECK(strcmp(out, "<sip:b@x;p=a&q>") == 0, "%s", out);
}

static void
test_bounds(void)
{
	static const char xml[] =
	    "<PublicIdentity><Identity>sip:first@ims.example.org</Identity>"
	    "</PublicIdentity><PublicIdentity><Identity>sip:second@ims."
	    "example.org</Identity></PublicIdentity>";
	char out[64];
	int rc;

	/* Room for the first only: it is kept, NUL-terminated. */
	memset(out, 'x', sizeof(out));
	rc = assoc(xml, out, 40);
	T_CHECK(rc == -ENOSPC, "rc %d", rc);
	T_CHECK(strcmp(out, "<sip:first@ims.example.org>") == 0, "%s", out);
	T_CHECK(out[40] == 'x', "wrote past size");
	/* The length bounds the scan: the second identity is cut off. */
	rc = user_data_assoc(xml, strlen(xml) - 30, IMPU, out, sizeof(out));
	T_CHECK(rc == 1 && strcmp(out, "<sip:first@ims.example.org>") == 0,
	    "rc %d %s", rc, out);
	/* Nothing usable: the registered identity alone. */
	rc = assoc("<IMSSubscription><PublicIdentity><Identity>", out,
	    sizeof(out));
	T_CHECK(rc == 0 && strcmp(out, "<" IMPU ">") == 0, "%d %s", rc, out);
	rc = user_data_assoc(NULL, 0, IMPU, out, sizeof(out));
	T_CHECK(rc == 0 && strcmp(out, "<" IMPU ">") == 0, "%d %s", rc, out);
	rc = assoc("", out, 8);
	T_CHECK(rc == -ENOSPC && out[0] == '\0', "%d", rc);
	T_CHECK(user_data_assoc(NULL, 4, IMPU, out, sizeof(out)) == -EINVAL,
	    "NULL with a length");
}

int
main(void)
{
	test_profiles();
	test_skipped();
	test_bounds();
	return t_done("test_user_data");
}
