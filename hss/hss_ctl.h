/* hss_ctl.h - hss-ctl's commands, one file per concern: hss_ctl.c (the
 * subscribers, SQN, de-registration, iFC; main), hss_ctl_range.c (many
 * subscribers at once), hss_ctl_gba.c (the GBA
 * User Security Settings).  Output and exit statuses: hss_ctl.c.
 */
#ifndef HSS_CTL_H
#define HSS_CTL_H

#include "cliopts.h"
#include "hss_db.h"

/* "hss-ctl: message" on stderr, then exit(status). */
void	die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* opts_need, and the value must fit the store's identities (exit 2). */
const char *need_id(const struct opts *, const char *name);

/* hss_ctl_range.c */
int	cmd_add_range(struct hss_db *, int, char **);

/* hss_ctl_gba.c */
int	cmd_gba_set(struct hss_db *, int, char **);
int	cmd_gba_none(struct hss_db *, int, char **);
int	cmd_gba_default(struct hss_db *, int, char **);
int	cmd_gba_show(struct hss_db *, int, char **);

#endif
