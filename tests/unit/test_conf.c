/* test_conf.c - the configuration format (common/base/conf.h): good files
 * and their values, every bad file in tests/unit/conf (each says on its
 * first line "# expect: LINE: fragment" and must fail with exactly
 * "FILE:LINE: ..." holding the fragment), precedence, the command line,
 * printing back, reload.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "t.h"

struct ta {
	char		*name;
	unsigned	 port;
	int		 flag;
	int		 level;
	char		*listen;
};

struct tb {
	char			*uri;
	struct conf_list	 peer;
	struct conf_list	 cap;
	char			*dotted;
	unsigned		 reload;
};

static int
check_peer(const char *v, char *why, size_t size)
{
	if (strchr(v, '@') != NULL)
		return 0;
	(void)snprintf(why, size, "expected NAME@HOST, not \"%s\"", v);
	return -EINVAL;
}

static const char *const levels[] = { "err", "warn", "info", "debug", NULL };

static const struct conf_key keys_a[] = {
	{ .name = "name", .type = CONF_STRING,
	  .offset = offsetof(struct ta, name), .flags = CONF_REQUIRED,
	  .max = 32, .help = "a name" },
	{ .name = "port", .type = CONF_UINT, .offset = offsetof(struct ta, port),
	  .dflt = "3868", .min = 1, .max = 65535, .opt = 'P',
	  .help = "a port" },
	{ .name = "flag", .type = CONF_BOOL, .offset = offsetof(struct ta, flag),
	  .dflt = "no", .opt = 'f', .optval = "yes", .help = "a flag" },
	{ .name = "level", .type = CONF_ENUM,
	  .offset = offsetof(struct ta, level), .dflt = "info",
	  .choices = levels, .opt = 'd', .optval = "debug", .help = "a level" },
	{ .name = "listen", .type = CONF_HOSTPORT,
	  .offset = offsetof(struct ta, listen), .opt = 'l',
	  .help = "an address" },
	{ .name = NULL }
};

static const struct conf_key keys_b[] = {
	{ .name = "uri", .type = CONF_SIPURI, .offset = offsetof(struct tb, uri),
	  .help = "a SIP URI" },
	{ .name = "peer", .type = CONF_STRING,
	  .offset = offsetof(struct tb, peer), .flags = CONF_LIST, .maxn = 3,
	  .check = check_peer, .help = "peers" },
	{ .name = "cap", .type = CONF_UINT, .offset = offsetof(struct tb, cap),
	  .flags = CONF_LIST, .max = 100, .dflt = "5",
	  .help = "numbers, default one: 5" },
	{ .name = "opt.dotted-key", .type = CONF_STRING,
	  .offset = offsetof(struct tb, dotted), .help = "dots and dashes" },
	{ .name = "reload.me", .type = CONF_UINT,
	  .offset = offsetof(struct tb, reload), .flags = CONF_RELOAD,
	  .dflt = "1", .max = 10, .help = "reloadable" },
	{ .name = NULL }
};

static struct ta a;
static struct tb b;
static const struct conf_table tables[] = {
	{ "A", keys_a, &a, sizeof(a) },
	{ "B", keys_b, &b, sizeof(b) },
};
#define NT	(sizeof(tables) / sizeof(tables[0]))

static char err[CONF_ERR_MAX];

static int
load(const char *file)
{
	char path[1024];

	(void)snprintf(path, sizeof(path), "%s/%s", IMS_CONF_TEST_DIR, file);
	return conf_load(tables, NT, path, NULL, 0, err, sizeof(err));
}

static void
test_good(void)
{
	T_CHECK(load("good-full.conf") == 0, "good-full: %s", err);
	T_CHECK(a.name && strcmp(a.name, "alice") == 0, "name");
	T_CHECK(a.port == 5060, "port %u", a.port);
	T_CHECK(a.flag == 1, "flag on");
	T_CHECK(a.level == 3, "level debug");
	T_CHECK(a.listen && strcmp(a.listen, "[2001:db8::1]:5061") == 0,
	    "listen %s", a.listen);
	T_CHECK(b.uri && strcmp(b.uri, "sip:scscf.example.org:6060;lr;x=a#b")
	    == 0, "'#' not after a blank is data: %s", b.uri);
	T_CHECK(b.peer.n == 2 && strcmp(b.peer.v[1], "b@10.0.0.2") == 0,
	    "peers, trailing blanks cut");
	T_CHECK(b.cap.n == 2 && b.cap.u[0] == 0 && b.cap.u[1] == 100,
	    "cap list replaced the default");
	T_CHECK(b.dotted && strcmp(b.dotted, "two words here") == 0,
	    "inner blanks kept");
	T_CHECK(b.reload == 7, "reload.me");

	T_CHECK(load("good-minimal.conf") == 0, "good-minimal: %s", err);
	T_CHECK(strcmp(a.name, "bob") == 0 && a.port == 3868 && a.flag == 0 &&
	    a.level == 2 && a.listen == NULL && b.uri == NULL &&
	    b.peer.n == 0 && b.cap.n == 1 && b.cap.u[0] == 5 &&
	    b.dotted == NULL && b.reload == 1, "defaults after a reload of a "
	    "smaller file");

	T_CHECK(load("good-crlf.conf") == 0, "good-crlf: %s", err);
	T_CHECK(strcmp(a.name, "crlf") == 0 && a.port == 1, "CRLF lines");

	T_CHECK(load("good-unset.conf") == 0, "good-unset: %s", err);
	T_CHECK(b.dotted == NULL, "empty value unsets");
	T_CHECK(strcmp(a.listen, "host-name.example.org:1") == 0, "by name");
	T_CHECK(strcmp(b.uri, "SIPS:bob@example.org") == 0, "sips:");
	conf_free(tables, NT);
}

/* Every bad-*.conf: the error is "DIR/FILE:LINE: ..." with the fragment. */
static void
test_bad(void)
{
	char path[1024], first[256], want[1100], *frag;
	struct dirent *de;
	unsigned line, n = 0;
	DIR *d;
	FILE *f;

	T_CHECK((d = opendir(IMS_CONF_TEST_DIR)) != NULL, "%s",
	    IMS_CONF_TEST_DIR);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "bad-", 4) != 0)
			continue;
		n++;
		(void)snprintf(path, sizeof(path), "%s/%s", IMS_CONF_TEST_DIR,
		    de->d_name);
		first[0] = '\0';
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(first, sizeof(first), f) == NULL)
				first[0] = '\0';
			(void)fclose(f);
		}
		first[strcspn(first, "\n")] = '\0';
		if (sscanf(first, "# expect: %u:", &line) != 1 ||
		    (frag = strchr(first + 10, ':')) == NULL) {
			T_CHECK(0, "%s: no \"# expect: LINE: text\" line", path);
			continue;
		}
		frag += 2;
		if (line > 0)
			(void)snprintf(want, sizeof(want), "%s:%u: ", path,
			    line);
		else
			(void)snprintf(want, sizeof(want), "%s: ", path);
		T_CHECK(conf_load(tables, NT, path, NULL, 0, err,
		    sizeof(err)) == -EINVAL, "%s accepted", path);
		T_CHECK(strncmp(err, want, strlen(want)) == 0 &&
		    strstr(err + strlen(want), frag) != NULL,
		    "%s: got \"%s\", want \"%s%s\"", de->d_name, err, want,
		    frag);
		T_CHECK(strchr(err, '\n') == NULL, "one line: %s", err);
	}
	(void)closedir(d);
	T_CHECK(n >= 20, "%u bad files", n);
	T_CHECK(conf_load(tables, NT, "/nonexistent/x.conf", NULL, 0, err,
	    sizeof(err)) == -ENOENT && strstr(err, "/nonexistent/x.conf: "
	    "cannot read") != NULL, "missing file: %s", err);
	conf_free(tables, NT);
}

/* defaults < file < command line; a list on the command line replaces. */
static void
test_precedence(void)
{
	static const char text[] = "name = file\nport = 10\npeer = f@1\n"
	    "peer = f@2\ncap = 7\n";
	const struct conf_over o[] = {
		{ "port", "20", NULL }, { "peer", "c@1", NULL },
		{ "port", "30", NULL },
	};
	const struct conf_over bad[] = { { "port", "x", NULL } };
	const struct conf_over unknown[] = { { "nope", "1", NULL } };
	const struct conf_over req[] = { { "name", "cli", NULL } };

	T_CHECK(conf_load_buf(tables, NT, "mem", text, sizeof(text) - 1, o, 3,
	    err, sizeof(err)) == 0, "%s", err);
	T_CHECK(a.port == 30, "last flag wins: %u", a.port);
	T_CHECK(b.peer.n == 1 && strcmp(b.peer.v[0], "c@1") == 0,
	    "command-line list replaces the file's");
	T_CHECK(b.cap.n == 1 && b.cap.u[0] == 7, "file list kept");
	T_CHECK(strcmp(a.name, "file") == 0, "file over default");
	T_CHECK(conf_load_buf(tables, NT, "mem", text, sizeof(text) - 1, bad,
	    1, err, sizeof(err)) < 0 && strcmp(err, "command line: --port: "
	    "expected a number from 1 to 65535, not \"x\"") == 0, "%s", err);
	T_CHECK(conf_load_buf(tables, NT, "mem", text, sizeof(text) - 1,
	    unknown, 1, err, sizeof(err)) < 0 &&
	    strstr(err, "unknown key \"nope\"") != NULL, "%s", err);
	T_CHECK(conf_load_buf(tables, NT, NULL, NULL, 0, req, 1, err,
	    sizeof(err)) == 0 && strcmp(a.name, "cli") == 0,
	    "no file, required key from the command line: %s", err);
	T_CHECK(conf_load_buf(tables, NT, "x.conf", "", 0, NULL, 0, err,
	    sizeof(err)) < 0 && strcmp(err, "x.conf: missing required key "
	    "\"name\"") == 0, "%s", err);
	conf_free(tables, NT);
}

static void
test_cli(void)
{
	char *argv[] = { "prog", "-c", "f.conf", "--opt.dotted-key", "v1",
	    "-o", "port=99", "-d", "-l", "[::1]:5", "-n", "--peer", "x@y",
	    "cmd", "--sub", NULL };
	char *bad1[] = { "prog", "--nope", "1", NULL };
	char *bad2[] = { "prog", "--port", NULL };
	char *bad3[] = { "prog", "-o", "port", NULL };
	char *bad4[] = { "prog", "-o", "nope=1", NULL };
	char *bad5[] = { "prog", "stray", NULL };
	char *bad6[] = { "prog", "-z", NULL };
	struct conf_cli cli;

	T_CHECK(conf_cli_parse(tables, NT, 15, argv, "nph", 1, &cli, err,
	    sizeof(err)) == 0, "%s", err);
	T_CHECK(cli.file && strcmp(cli.file, "f.conf") == 0, "-c");
	T_CHECK(conf_cli_has(&cli, 'n') && !conf_cli_has(&cli, 'p'), "-n");
	T_CHECK(cli.argi == 13 && strcmp(argv[cli.argi], "cmd") == 0,
	    "stops at the command: %d", cli.argi);
	T_CHECK(cli.nover == 5, "%zu settings", cli.nover);
	if (cli.nover == 5) {
		T_CHECK(strcmp(cli.over[0].key, "opt.dotted-key") == 0 &&
		    strcmp(cli.over[0].value, "v1") == 0, "dotted long option");
		T_CHECK(strcmp(cli.over[1].key, "port") == 0 &&
		    strcmp(cli.over[1].value, "99") == 0, "-o");
		T_CHECK(strcmp(cli.over[2].key, "level") == 0 &&
		    strcmp(cli.over[2].value, "debug") == 0, "-d sets debug");
		T_CHECK(strcmp(cli.over[3].key, "listen") == 0 &&
		    strcmp(cli.over[3].value, "[::1]:5") == 0, "-l VALUE");
	}
	T_CHECK(conf_load(tables, NT, NULL, cli.over, cli.nover, err,
	    sizeof(err)) < 0, "name still missing");
	conf_cli_free(&cli);

	T_CHECK(conf_cli_parse(tables, NT, 3, bad1, "n", 0, &cli, err,
	    sizeof(err)) < 0 && strstr(err, "unknown option --nope"), "%s",
	    err);
	T_CHECK(conf_cli_parse(tables, NT, 2, bad2, "n", 0, &cli, err,
	    sizeof(err)) < 0 && strstr(err, "--port needs a value"), "%s",
	    err);
	T_CHECK(conf_cli_parse(tables, NT, 3, bad3, "n", 0, &cli, err,
	    sizeof(err)) < 0 && strstr(err, "-o needs KEY=VALUE"), "%s", err);
	T_CHECK(conf_cli_parse(tables, NT, 3, bad4, "n", 0, &cli, err,
	    sizeof(err)) < 0 && strstr(err, "unknown key \"nope\""), "%s",
	    err);
	T_CHECK(conf_cli_parse(tables, NT, 2, bad5, "n", 0, &cli, err,
	    sizeof(err)) < 0 && strstr(err, "unexpected argument \"stray\""),
	    "%s", err);
	T_CHECK(conf_cli_parse(tables, NT, 2, bad6, "n", 0, &cli, err,
	    sizeof(err)) < 0 && strstr(err, "unknown option -z"), "%s", err);
}

/* What -p prints loads back to the same values and prints the same. */
static void
test_print(void)
{
	char *p1 = NULL, *p2 = NULL;
	size_t l1 = 0, l2 = 0;
	FILE *f;

	T_CHECK(load("good-full.conf") == 0, "%s", err);
	if ((f = open_memstream(&p1, &l1)) != NULL) {
		T_CHECK(conf_print(f, "prog", tables, NT) == 0, "print");
		(void)fclose(f);
	}
	T_CHECK(p1 != NULL && strstr(p1, "\nopt.dotted-key = two words here\n")
	    != NULL && strstr(p1, "\npeer = a@10.0.0.1\npeer = b@10.0.0.2\n")
	    != NULL && strstr(p1, "\n# ---- B ----\n") != NULL &&
	    strstr(p1, "; default 3868") != NULL, "print:\n%s", p1);
	T_CHECK(p1 != NULL && conf_load_buf(tables, NT, "printed", p1, l1,
	    NULL, 0, err, sizeof(err)) == 0, "printed text loads: %s", err);
	if ((f = open_memstream(&p2, &l2)) != NULL) {
		T_CHECK(conf_print(f, "prog", tables, NT) == 0, "print again");
		(void)fclose(f);
	}
	T_CHECK(p1 && p2 && strcmp(p1, p2) == 0, "print, load, print: same");
	T_CHECK(load("good-minimal.conf") == 0, "%s", err);
	free(p1);
	p1 = NULL;
	if ((f = open_memstream(&p1, &l1)) != NULL) {
		(void)conf_print(f, "prog", tables, NT);
		(void)fclose(f);
	}
	T_CHECK(p1 != NULL && strstr(p1, "\n# listen =\n") != NULL &&
	    strstr(p1, "\n# peer =\n") != NULL, "unset keys commented");
	free(p1);
	free(p2);
	conf_free(tables, NT);
}

/* SIGHUP: only CONF_RELOAD keys move from the fresh copy to the live one. */
static void
test_reload(void)
{
	static const char v1[] = "name = one\nreload.me = 2\n";
	static const char v2[] = "name = two\nreload.me = 9\n";
	struct ta fa;
	struct tb fb;
	struct conf_table fresh[NT];

	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	memcpy(fresh, tables, sizeof(fresh));
	fresh[0].base = &fa;
	fresh[1].base = &fb;
	T_CHECK(conf_load_buf(tables, NT, "v1", v1, sizeof(v1) - 1, NULL, 0,
	    err, sizeof(err)) == 0, "%s", err);
	T_CHECK(conf_load_buf(fresh, NT, "v2", v2, sizeof(v2) - 1, NULL, 0,
	    err, sizeof(err)) == 0, "%s", err);
	T_CHECK(conf_has_reloadable(tables, NT) &&
	    !conf_has_reloadable(tables, 1), "reloadable keys found");
	conf_take_reloadable(tables, fresh, NT);
	T_CHECK(b.reload == 9 && fb.reload == 2, "reload.me taken over");
	T_CHECK(strcmp(a.name, "one") == 0 && strcmp(fa.name, "two") == 0,
	    "name not reloadable");
	conf_free(fresh, NT);
	conf_free(tables, NT);
}

static void
test_values(void)
{
	char host[64];
	unsigned port;

	T_CHECK(conf_hostport_split("[fe80::1]:5060", host, sizeof(host),
	    &port) == 0 && strcmp(host, "fe80::1") == 0 && port == 5060, "v6");
	T_CHECK(conf_hostport_split("10.0.0.1:1", host, sizeof(host), &port) ==
	    0 && strcmp(host, "10.0.0.1") == 0 && port == 1, "v4");
	T_CHECK(conf_hostport_split("[10.0.0.1]:1", host, sizeof(host),
	    &port) < 0, "v4 in brackets");
	T_CHECK(conf_hostport_split("a..b:1", host, sizeof(host), &port) < 0,
	    "empty label");
	T_CHECK(conf_hostport_split("-a.b:1", host, sizeof(host), &port) < 0,
	    "leading dash");
	T_CHECK(conf_name_check("hss.ims.example.org", 1) == 0, "identity");
	T_CHECK(conf_name_check("hss", 1) < 0, "identity needs a dot");
	T_CHECK(conf_name_check("hss", 0) == 0, "plain name");
	T_CHECK(conf_name_check("a.b-", 0) < 0, "trailing dash");
	T_CHECK(conf_ip_check("::1") == 0 && conf_ip_check("1.2.3.4") == 0 &&
	    conf_ip_check("1.2.3") < 0, "IP literals");
}

int
main(void)
{
	test_good();
	test_bad();
	test_precedence();
	test_cli();
	test_print();
	test_reload();
	test_values();
	return t_done("test_conf");
}
