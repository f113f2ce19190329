/* dia_int.h - dia_server.c's answer builder, for its unit test
 * (tests/unit/test_dia_server.c); the daemons use dia_register.
 */
#ifndef IMS_DIA_INT_H
#define IMS_DIA_INT_H

#include <stdint.h>

#include "dia.h"

/* A handler registered for one command of one application. */
struct dia_reg {
	dia_handler	 fn;
	void		*arg;
	uint32_t	 app_id;
	uint32_t	 code;
	unsigned	 from;	/* DIA_PEER_* kinds that may send it */
};

/* The answer to the request *msg (received, its source set): the origin
 * check (dia_msg_from_peer), then the handler under the one-result rule.
 * On 0, *msg is the answer to send. */
int	dia_answer_request(const struct dia_reg *, struct msg **msg);

#endif
