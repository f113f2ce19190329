/* xcap_store.h - the XCAP server's documents, durably, in SQLite (WAL,
 * synchronous=FULL: a write is on disk when the call returns).  One row
 * per (XUI, document): the body and its strong entity tag (RFC 4825 7.11:
 * a new one on every change).  Loop thread only. */
#ifndef IMS_XCAP_STORE_H
#define IMS_XCAP_STORE_H

#include <stddef.h>

#define XCAP_ETAG_LEN	32	/* hex digits of 128 random bits */

struct xcap_store;

int	xcap_store_open(const char *path, struct xcap_store **);
void	xcap_store_close(struct xcap_store *);
/* *body malloc'd (NUL-terminated).  0, -ENOENT, -EIO. */
int	xcap_store_get(struct xcap_store *, const char *xui, const char *doc,
	    char **body, size_t *len, char etag[XCAP_ETAG_LEN + 1]);
/* Insert or replace with a fresh entity tag, returned in etag. */
int	xcap_store_put(struct xcap_store *, const char *xui, const char *doc,
	    const char *body, size_t len, char etag[XCAP_ETAG_LEN + 1]);
/* 0, -ENOENT, -EIO. */
int	xcap_store_delete(struct xcap_store *, const char *xui,
	    const char *doc);

#endif
