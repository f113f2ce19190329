/* dia_conf.h - the Diameter settings of a daemon or tool, as keys of its
 * configuration file (conf.h), and what is made of them: the
 * freeDiameter 1.2.1 configuration (generated, never written by hand) and
 * the rule for peers that connect to us (dia_conf.c).
 *
 * Incoming peers (RFC 6733 5.3 leaves the policy to the node): a peer we
 * do not connect to ourselves is accepted only when an entry of
 * diameter.accept, IDENTITY@ADDRESS[/PREFIX], names its Diameter identity
 * (case-insensitive, exact; or a pattern whose first label ends in '*',
 * dia_id_match, for scaled nodes whose replicas are not enumerated), the
 * connection comes from that entry's address (or prefix), and its
 * Origin-Realm is our realm.
 * Everything else gets DIAMETER_UNKNOWN_PEER and a log line.  A node
 * without diameter.accept does not listen at all, and a node may not both
 * accept and connect: freeDiameter 1.2.1 does not validate a CER claiming
 * the identity of a peer it connects to.
 *
 * Protection (diameter.tls, dia_tls.c): off, the links are clear TCP/SCTP
 * (NDS/IP by a SEG or a trusted network, TS 33.210), accepted peers are
 * marked "no TLS needed" and the address is the only proof of origin; or
 * required, TLS from the first octet (RFC 6733 2.1, 13.1) with mutual
 * certificates chaining to diameter.tls-ca, for deployments without SEGs:
 * no clear port, no clear peer, and an accepted peer's certificate must
 * name the Diameter identity its CER claims (freeDiameter checks that only
 * of the peers it connects to).
 */
#ifndef IMS_DIA_CONF_H
#define IMS_DIA_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addr_acl.h"
#include "conf.h"

enum dia_transport { DIA_TRANSPORT_TCP, DIA_TRANSPORT_SCTP };
enum dia_tls { DIA_TLS_OFF, DIA_TLS_REQUIRED };

#define DIA_PEERS_MAX	16

struct dia_conf {
	char		*identity;	/* Origin-Host */
	char		*realm;		/* NULL: identity minus first label */
	unsigned	 port;
	int		 transport;	/* enum dia_transport */
	char		*listen_on;	/* NULL: every address */
	struct conf_list connect;	/* IDENTITY@ADDRESS[:PORT] */
	struct conf_list accept;	/* IDENTITY@ADDRESS[/PREFIX] */
	unsigned	 tc_timer;	/* s */
	unsigned	 tw_timer;	/* s, RFC 3539 watchdog */
	unsigned	 threads;	/* freeDiameter AppServThreads */
	unsigned	 timeout_ms;	/* for our requests */
	char		*dest_realm;	/* NULL: realm */
	char		*extensions_dir;
	int		 tls;		/* enum dia_tls */
	char		*tls_cert;	/* PEM: ours, then intermediates */
	char		*tls_key;	/* PEM */
	char		*tls_ca;	/* PEM: the anchors peers chain to */
};

/* The keys (diameter.*) for a struct dia_conf: a conf_table row
 * { "Diameter", dia_conf_keys, &settings, sizeof(settings) }. */
extern const struct conf_key dia_conf_keys[];

/* Our realm and the Destination-Realm of our requests, defaults
 * applied. */
const char *dia_conf_realm(const struct dia_conf *);
const char *dia_conf_dest_realm(const struct dia_conf *);

/* The freeDiameter configuration for c into buf: 0 or -ENOSPC. */
int	dia_conf_render(const struct dia_conf *, char *buf, size_t size);
/* For dia_init (dia_core.c), after fd_core_initialize: the generated
 * configuration to fd_core_parseconf, and the validation of incoming
 * peers registered.  -EINVAL when both diameter.connect and
 * diameter.accept are set (a node either accepts or connects). */
int	dia_conf_apply(const struct dia_conf *);

/* Which configured peer a Diameter identity (len bytes, compared without
 * case) is: DIA_PEER_ACCEPT (diameter.accept), DIA_PEER_CONNECT
 * (diameter.connect) or 0 (none); *realm (may be NULL) gets the realm its
 * messages must carry: ours for an accepted peer (checked at its CER),
 * diameter.dest-realm for a peer we connect to. */
#define DIA_PEER_CONNECT	0x1
#define DIA_PEER_ACCEPT		0x2
unsigned dia_peer_kind(const char *id, size_t len, const char **realm);

/* Identity patterns (diameter.accept, the hss's scscf key): a fully
 * qualified name whose first label ends in '*' ("*.ims.example.org",
 * "scscf-*.ims.example.org"); the '*' stands for one or more letters,
 * digits or hyphens of that label, never a dot.  check: 0 or -EINVAL.
 * match: 1 when id (len bytes) matches, compared without case; a pattern
 * without '*' matches only itself. */
int	dia_id_pattern_check(const char *pattern);
int	dia_id_match(const char *pattern, const char *id, size_t len);

/* The address an accepted peer's connection comes from, recorded at its
 * CER when diameter.accept let it in (freeDiameter keeps one connection
 * per identity: a second CER for an open peer is refused), so that a
 * handler can bind what a peer claims to where it is (the hss's scscf
 * patterns).  At most DIA_PEER_SOURCES_MAX identities are remembered;
 * beyond, a new one is refused at its CER.  get: 0 with *af (AF_INET,
 * AF_INET6) and addr (4 or 16 octets; 16 written), or -ENOENT. */
#define DIA_PEER_SOURCES_MAX	1024
int	dia_peer_source_set(const char *id, int af, const uint8_t *addr);
int	dia_peer_source(const char *id, int *af, uint8_t *addr);

/* ---- TLS (dia_tls.c) ---- */

/* The checks of the keys: a readable file by absolute path; the table's
 * check_all: diameter.tls = required needs all three files. */
int	dia_tls_check_file(const char *v, char *why, size_t size);
int	dia_tls_check_conf(const void *c, char *why, size_t size);
/* As root, before the switch to the run user (the key may be readable by
 * root only): the three files copied into memory files that the
 * generated configuration names, closed once freeDiameter read them
 * (dia_conf_apply).  Without it (a tool not started as a daemon)
 * freeDiameter reads the paths itself.  0 or -errno. */
int	dia_tls_load(const struct dia_conf *);
/* The TLS lines of the generated configuration into sb, or nothing when
 * diameter.tls is off. */
struct strbuf;
void	dia_tls_render(const struct dia_conf *, struct strbuf *sb);
void	dia_tls_loaded_close(void);
/* For the incoming-peer rule: 0 when the connection is acceptable as to
 * TLS (off: anything; required: TLS, and the first certificate names id,
 * RFC 6733 13.1 / RFC 6125 6.4, no wildcard), else -EACCES with the
 * reason in why. */
struct peer_info;
int	dia_tls_peer_check(const struct peer_info *, char *why, size_t size);
/* Logs (and counts) the connections freeDiameter refuses before any CER
 * reaches dia_conf's rule: a failed TLS handshake, no CER. */
int	dia_tls_hook_init(void);

#endif
