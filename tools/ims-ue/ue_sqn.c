/* ue_sqn.c - the USIM's sequence number state (TS 33.102 Annex C.2).
 *
 * A USIM keeps, per IND slot, the highest SEQ it has accepted (C.2.1).
 * ims-ue keeps that array in a small text file of name=value lines:
 *
 *	ind_bits=5		IND length in bits (C.1.1.2), 0..5
 *	delta=0			C.2.1 limit on SEQ - SEQ_MS (0: none), hex
 *	age_limit=0		C.2.2 limit L (0: none), hex
 *	seq.N=HEX		SEQ_MS of IND slot N (absent: 0)
 *	sqn_ms=HEX		highest accepted SQN; written, ignored on load
 *
 * An absent file is a fresh USIM.  The file is replaced atomically
 * (temporary file, fsync, rename) so a crash leaves the old or the new
 * state, never a mix: replaying an old SQN must stay impossible.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ue.h"

static int
parse_hex48(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (*s == '\0' || strlen(s) > 12)
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 16);
	if (errno != 0 || *end != '\0' || s[0] == '-' || s[0] == '+' ||
	    n > AKA_SQN_MAX)
		return -EINVAL;
	*v = n;
	return 0;
}

static int
sqn_line(struct aka_ue_sqn *st, char *line, uint64_t seq[AKA_IND_MAX_SLOTS],
    uint32_t *seen)
{
	char *eq, *name = line, *val;
	unsigned long slot;
	uint64_t v;
	char *end;

	if ((eq = strchr(line, '=')) == NULL)
		return -EINVAL;
	*eq = '\0';
	val = eq + 1;
	if (strcmp(name, "ind_bits") == 0) {
		if (strlen(val) != 1 || val[0] < '0' ||
		    val[0] > '0' + AKA_IND_BITS_MAX)
			return -EINVAL;
		st->ind_bits = (unsigned)(val[0] - '0');
		return 0;
	}
	if (parse_hex48(val, &v) < 0)
		return -EINVAL;
	if (strcmp(name, "delta") == 0)
		st->delta = v;
	else if (strcmp(name, "age_limit") == 0)
		st->age_limit = v;
	else if (strcmp(name, "sqn_ms") == 0)
		;	/* derived; informational */
	else if (strncmp(name, "seq.", 4) == 0) {
		errno = 0;
		slot = strtoul(name + 4, &end, 10);
		if (errno != 0 || end == name + 4 || *end != '\0' ||
		    slot >= AKA_IND_MAX_SLOTS || (*seen >> slot & 1))
			return -EINVAL;
		*seen |= 1u << slot;
		seq[slot] = v;
	} else
		return -EINVAL;
	return 0;
}

int
ue_sqn_load(const char *path, struct aka_ue_sqn *st)
{
	uint64_t seq[AKA_IND_MAX_SLOTS] = { 0 };
	uint32_t seen = 0;
	char line[256];
	unsigned i, lineno = 0;
	size_t len;
	FILE *f;

	aka_ue_sqn_init(st, AKA_IND_BITS_DEFAULT);
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;	/* a fresh USIM */
		log_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f))
			goto bad;
		if (len == 0 || line[0] == '#')
			continue;
		if (sqn_line(st, line, seq, &seen) < 0)
			goto bad;
	}
	fclose(f);
	for (i = 0; i < AKA_IND_MAX_SLOTS; i++) {
		if ((seen >> i & 1) && i >= 1u << st->ind_bits) {
			log_err("%s: seq.%u beyond ind_bits=%u", path, i,
			    st->ind_bits);
			return -EINVAL;
		}
		if (seq[i] > AKA_SQN_MAX >> st->ind_bits) {
			log_err("%s: seq.%u too large", path, i);
			return -EINVAL;
		}
		st->seq_ms[i] = seq[i];
	}
	return 0;
bad:
	log_err("%s:%u: malformed line", path, lineno);
	fclose(f);
	return -EINVAL;
}

int
ue_sqn_save(const char *path, const struct aka_ue_sqn *st)
{
	char tmp[PATH_MAX];
	unsigned i;
	FILE *f;
	int rc;

	if (path == NULL)
		return 0;
	if ((f = ue_file_begin(path, tmp, sizeof(tmp), &rc)) == NULL)
		return rc;
	fprintf(f, "# ims-ue USIM SQN state (TS 33.102 Annex C.2)\n");
	fprintf(f, "ind_bits=%u\n", st->ind_bits);
	fprintf(f, "delta=%llx\n", (unsigned long long)st->delta);
	fprintf(f, "age_limit=%llx\n", (unsigned long long)st->age_limit);
	fprintf(f, "sqn_ms=%012llx\n",
	    (unsigned long long)aka_ue_sqn_ms(st));
	for (i = 0; i < 1u << st->ind_bits; i++)
		if (st->seq_ms[i] != 0)
			fprintf(f, "seq.%u=%llx\n", i,
			    (unsigned long long)st->seq_ms[i]);
	return ue_file_commit(f, tmp, path, "state");
}
