/* conf_int.h - shared by conf.c, conf_value.c, conf_cli.c, conf_print.c;
 * not for users of conf.h. */
#ifndef IMS_CONF_INT_H
#define IMS_CONF_INT_H

#include "conf.h"

#define CONF_FIELD(k, base)	((void *)((char *)(base) + (k)->offset))

/* Check value against k's type and store it in the settings struct at base
 * (a list gets one more value).  0, or -EINVAL with the reason in why. */
int	conf_value_set(const struct conf_key *, void *base, const char *value,
	    char *why, size_t whysize);
/* Free k's value in base and reset it to unset. */
void	conf_value_free(const struct conf_key *, void *base);
/* Swap k's values between two settings structs. */
void	conf_value_swap(const struct conf_key *, void *a, void *b);
/* Whether k has a value in base (a list: at least one). */
int	conf_value_isset(const struct conf_key *, const void *base);
/* The text of k's value (the i-th of a list) as a file would hold it. */
const char *conf_value_text(const struct conf_key *, const void *base,
	    size_t i, char *buf, size_t size);
/* The number of values of k in base: 0 or 1, or a list's count. */
size_t	conf_value_count(const struct conf_key *, const void *base);
/* A short description of what k's type accepts ("number 1..86400"). */
void	conf_type_text(const struct conf_key *, char *buf, size_t size);

/* Key lookup across tables: the key and its table's index, or NULL. */
const struct conf_key *conf_key_find(const struct conf_table *, size_t nt,
	    const char *name, size_t len, size_t *ti);

#endif
