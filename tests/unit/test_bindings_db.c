/* test_bindings_db.c - the S-CSCF's registration store (scscf/
 * bindings_db.c): a REGISTER's writes in one transaction (a rollback
 * leaves nothing, a commit everything), de-registration atomic, no
 * nesting; a write the database refuses (forced with a trigger, as
 * tests/security/test_scscf_authz.sh does to the daemon) fails the
 * transaction and leaves the earlier state. */
#include <sqlite3.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scscf.h"
#include "t.h"

#define IMPU	"sip:alice@ims.example.org"
#define IMPI	"alice@ims.example.org"

static void
binding(struct binding *bn, const char *contact, int64_t expires_at)
{
	memset(bn, 0, sizeof(*bn));
	(void)snprintf(bn->contact, sizeof(bn->contact), "%s", contact);
	(void)snprintf(bn->path, sizeof(bn->path), "<sip:term@10.0.0.4;lr>");
	(void)snprintf(bn->call_id, sizeof(bn->call_id), "c1");
	bn->cseq = 1;
	bn->expires_at = expires_at;
}

static size_t
live(struct bdb *db)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	size_t n = 99;

	if (bdb_bindings_get(db, IMPU, 1000, bn, SCSCF_MAX_BINDINGS, &n) < 0)
		return 99;
	return n;
}

int
main(void)
{
	char path[] = "/tmp/test_bindings_db.XXXXXX";
	struct binding bn;
	struct bdb *db;
	int fd, reg = -1;
	char assoc[64];

	log_init("test_bindings_db", LOG_LVL_WARN);
	if ((fd = mkstemp(path)) < 0)
		return 1;
	(void)close(fd);
	T_CHECK(bdb_open(path, 1, &db) == 0, "open");

	/* Rolled back: neither the row nor the binding. */
	T_CHECK(bdb_begin(db) == 0, "begin");
	T_CHECK(bdb_begin(db) == -EINVAL, "no nesting");
	binding(&bn, "sip:alice@10.0.0.100:5060", 2000);
	T_CHECK(bdb_reg_put(db, IMPU, IMPI, "<" IMPU ">", 1) == 0 &&
	    bdb_binding_put(db, IMPU, &bn) == 0, "writes");
	bdb_rollback(db);
	T_CHECK(bdb_reg_get(db, IMPU, NULL, 0, &reg, NULL, 0) == -ENOENT,
	    "no row after the rollback");
	T_CHECK(live(db) == 0, "no binding after the rollback");
	T_CHECK(bdb_commit(db) == -EINVAL, "commit without begin");

	/* Committed: both. */
	T_CHECK(bdb_begin(db) == 0, "begin");
	T_CHECK(bdb_reg_put(db, IMPU, IMPI, "<" IMPU ">", 1) == 0 &&
	    bdb_binding_put(db, IMPU, &bn) == 0, "writes");
	binding(&bn, "sip:alice@10.0.0.100:5070", 3000);
	T_CHECK(bdb_binding_put(db, IMPU, &bn) == 0, "second contact");
	T_CHECK(bdb_commit(db) == 0, "commit");
	T_CHECK(bdb_reg_get(db, IMPU, NULL, 0, &reg, assoc, sizeof(assoc)) ==
	    0 && reg == 1 && strcmp(assoc, "<" IMPU ">") == 0, "row");
	T_CHECK(live(db) == 2, "two bindings (%zu)", live(db));

	/* A removal rolled back keeps the binding. */
	T_CHECK(bdb_begin(db) == 0 && bdb_binding_del(db, IMPU,
	    "sip:alice@10.0.0.100:5060") == 0, "delete");
	bdb_rollback(db);
	T_CHECK(live(db) == 2, "still two");

	/* De-registration, inside a caller's transaction or on its own. */
	T_CHECK(bdb_begin(db) == 0 && bdb_deregister(db, IMPU) == 0, "dereg");
	bdb_rollback(db);
	T_CHECK(live(db) == 2, "dereg rolled back with the caller's");
	T_CHECK(bdb_deregister(db, IMPU) == 0, "dereg alone");
	T_CHECK(live(db) == 0 && bdb_reg_get(db, IMPU, NULL, 0, &reg, NULL,
	    0) == 0 && reg == 0, "bindings gone, not registered");
	/* A write refused by the database: -EIO, rolled back. */
	{
		sqlite3 *raw;

		T_CHECK(sqlite3_open(path, &raw) == SQLITE_OK &&
		    sqlite3_exec(raw, "CREATE TRIGGER nope BEFORE INSERT ON "
		    "bindings BEGIN SELECT RAISE(ABORT, 'forced'); END", NULL,
		    NULL, NULL) == SQLITE_OK, "trigger");
		(void)sqlite3_close(raw);
	}
	T_CHECK(bdb_begin(db) == 0 && bdb_reg_put(db, IMPU, IMPI, "<" IMPU
	    ">", 1) == 0, "begin, row");
	T_CHECK(bdb_binding_put(db, IMPU, &bn) == -EIO, "binding refused");
	bdb_rollback(db);
	T_CHECK(bdb_reg_get(db, IMPU, NULL, 0, &reg, NULL, 0) == 0 &&
	    reg == 0 && live(db) == 0, "the row rolled back with it");
	T_CHECK(bdb_begin(db) == 0, "usable again");
	bdb_rollback(db);
	bdb_close(db);
	(void)unlink(path);
	(void)snprintf(assoc, sizeof(assoc), "%s-wal", path);
	(void)unlink(assoc);
	(void)snprintf(assoc, sizeof(assoc), "%s-shm", path);
	(void)unlink(assoc);
	return t_done("test_bindings_db");
}
