/* icscf_visited.h - the P-Visited-Network-ID parser of the I-CSCF, on its
 * own so that the fuzz target takes nothing else. */
#ifndef ICSCF_VISITED_H
#define ICSCF_VISITED_H

#include <stddef.h>

/* icscf_visited.c: the one vnetwork-spec of a P-Visited-Network-ID value
 * (RFC 7315 4.3), a token or a quoted-string (unquoted) with optional
 * parameters, into out.  0; -EINVAL when malformed, empty or more than
 * one value; -ENOSPC when it does not fit (never cut short). */
int	icscf_visited_network(const char *value, char *out, size_t size);

#endif
