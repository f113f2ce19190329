/* main.c - seg: the NDS/IP security gateway (TS 33.210 5.6, Za and Zb):
 * IKEv2 (RFC 7296) with its peers, ESP tunnel-mode CHILD_SAs between the
 * security domains' subnets.
 *
 *   seg [-c seg.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below; seg.conf in this folder has every key, docs/seg.md
 * explains them.  start() (as root): the peers and proposals, our leftover
 * xfrm state flushed by owner tag, every peer's policies (which drop the
 * traffic between the domains until a CHILD_SA carries it), the UDP 500
 * socket, the control socket, the certificates; run(): the libevent loop.
 * The seg keeps CAP_NET_ADMIN after start-up for the xfrm state; port 500
 * is bound before the switch, so CAP_NET_BIND_SERVICE is not kept.
 * fini(): a Delete to every peer, every SA and policy removed.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "check.h"
#include "daemon.h"
#include "log.h"
#include "seg_ike.h"

static struct seg_conf conf;
static struct seg s;

static int
check_ip(const char *v, char *why, size_t whysize)
{
	if (conf_ip_check(v) == 0)
		return 0;
	(void)snprintf(why, whysize, "expected an IPv4 or IPv6 address, not "
	    "\"%s\"", v);
	return -EINVAL;
}

static int
check_fqdn(const char *v, char *why, size_t whysize)
{
	if (conf_name_check(v, 1) == 0)
		return 0;
	(void)snprintf(why, whysize, "expected an FQDN, not \"%s\"", v);
	return -EINVAL;
}

#define SC(f)	offsetof(struct seg_conf, f)
static const struct conf_key seg_keys[] = {
	{ .name = "local", .type = CONF_STRING, .offset = SC(local),
	  .flags = CONF_REQUIRED, .max = 64, .check = check_ip, .opt = 'l',
	  .help = "our outer address: IKE on UDP port 500 and the ESP tunnel "
	    "endpoint (TS 33.210 5.6)" },
	{ .name = "identity", .type = CONF_STRING, .offset = SC(identity),
	  .flags = CONF_REQUIRED, .max = SEG_ID_MAX, .check = check_fqdn,
	  .help = "our IKE identity, an FQDN (ID type 2, RFC 7296 3.5); with "
	    "auth=cert the certificate's subjectAltName" },
	{ .name = "peer", .type = CONF_STRING, .offset = SC(peers),
	  .flags = CONF_LIST, .maxn = SEG_MAX_PEERS, .max = CONF_LINE_MAX,
	  .check = seg_check_peer,
	  .help = "NAME address=IP id=FQDN auth=psk|cert [psk=SECRET|0xHEX] "
	    "local-subnet=IP/LEN remote-subnet=IP/LEN [initiate=yes|no]: a "
	    "SEG of another security domain (docs/seg.md)" },
	{ .name = "ike-proposal", .type = CONF_STRING,
	  .offset = SC(ike_props), .flags = CONF_LIST,
	  .maxn = SEG_MAX_PROPS, .max = 128, .check = seg_check_ike_prop,
	  .help = "IKE SA transforms, preferred first: aes128|aes256|"
	    "aes128gcm16|aes256gcm16, sha256, prfsha256, modp2048|ecp256|"
	    "ecp384 (TS 33.210 5.4.2); unset: aes128-sha256-modp2048, "
	    "aes256-sha256-modp2048, aes128gcm16-prfsha256-ecp256, "
	    "aes256gcm16-prfsha256-ecp384" },
	{ .name = "esp-proposal", .type = CONF_STRING,
	  .offset = SC(esp_props), .flags = CONF_LIST,
	  .maxn = SEG_MAX_PROPS, .max = 128, .check = seg_check_esp_prop,
	  .help = "CHILD_SA (ESP) transforms, preferred first: aes128|aes256"
	    "-sha256, aes128gcm16, aes256gcm16 (TS 33.210 5.3.2); unset: "
	    "aes128gcm16, aes256gcm16, aes128-sha256, aes256-sha256" },
	{ .name = "cert", .type = CONF_STRING, .offset = SC(cert), .max = 1024,
	  .help = "PEM certificate for the peers with auth=cert" },
	{ .name = "key", .type = CONF_STRING, .offset = SC(key), .max = 1024,
	  .help = "PEM private key of cert (RSA or ECDSA), read as root" },
	{ .name = "ca", .type = CONF_STRING, .offset = SC(ca), .max = 1024,
	  .help = "PEM CA certificate the peers' certificates must chain to" },
	{ .name = "port", .type = CONF_UINT, .offset = SC(port), .dflt = "500",
	  .min = 1, .max = 65535,
	  .help = "our IKE port (peers are always addressed on 500)" },
	{ .name = "ike-lifetime", .type = CONF_UINT, .offset = SC(ike_lifetime),
	  .dflt = "14400", .min = 60, .max = 86400,
	  .help = "seconds an IKE SA lives: an initiator rekeys it "
	    "(CREATE_CHILD_SA, RFC 7296 2.18; a new one, 2.8.3, if the peer "
	    "refuses) rekey-margin before" },
	{ .name = "child-lifetime", .type = CONF_UINT,
	  .offset = SC(child_lifetime), .dflt = "3600", .min = 60,
	  .max = 86400,
	  .help = "seconds a CHILD_SA lives in the kernel (hard expiry); an "
	    "initiator rekeys it (CREATE_CHILD_SA) rekey-margin before" },
	{ .name = "rekey-margin", .type = CONF_UINT,
	  .offset = SC(rekey_margin), .dflt = "300", .min = 10, .max = 3600,
	  .help = "an initiator renews the SAs this many seconds before "
	    "their lifetimes end" },
	{ .name = "dpd-delay", .type = CONF_UINT, .offset = SC(dpd_delay),
	  .dflt = "30", .min = 0, .max = 3600,
	  .help = "seconds without a message from a peer before an empty "
	    "INFORMATIONAL checks it is alive (RFC 7296 2.4); 0: never" },
	{ .name = "retransmit-ms", .type = CONF_UINT, .offset = SC(rtx_ms),
	  .dflt = "500", .min = 100, .max = 10000,
	  .help = "first retransmission timeout of a request, doubled each "
	    "time (RFC 7296 2.1)" },
	{ .name = "retransmit-tries", .type = CONF_UINT,
	  .offset = SC(rtx_tries), .dflt = "5", .min = 1, .max = 20,
	  .help = "sends of a request before the peer is taken for dead" },
	{ .name = "xfrm-owner", .type = CONF_UINT, .offset = SC(owner),
	  .dflt = "94", .min = 1, .max = 255,
	  .help = "owner tag of our xfrm SAs and policies "
	    "(common/ipsec/xfrm.h); flushed at start and stop" },
	{ .name = "ctl-socket", .type = CONF_STRING, .offset = SC(ctl),
	  .dflt = "/run/seg.ctl", .max = 100,
	  .help = "the Unix socket of seg-ctl (list, initiate, delete)" },
	{ .name = "cookie-threshold", .type = CONF_UINT,
	  .offset = SC(cookie_threshold), .dflt = "20", .min = 0,
	  .max = 100000,
	  .help = "half-open IKE SAs from which IKE_SA_INIT requests "
	    "without a valid cookie get only N(COOKIE) (RFC 7296 2.6); 0: "
	    "always" },
	{ .name = "half-open-max", .type = CONF_UINT,
	  .offset = SC(half_open_max), .dflt = "500", .min = 1,
	  .max = 100000,
	  .help = "half-open IKE SAs beyond which IKE_SA_INIT requests are "
	    "dropped, cookie or not" },
	{ .name = NULL }
};

static const struct conf_table seg_tables[] = {
	{ "SEG", seg_keys, &conf, sizeof(conf) },
};

static const char *const dflt_ike[] = { "aes128-sha256-modp2048",
	"aes256-sha256-modp2048", "aes128gcm16-prfsha256-ecp256",
	"aes256gcm16-prfsha256-ecp384", NULL };
static const char *const dflt_esp[] = { "aes128gcm16", "aes256gcm16",
	"aes128-sha256", "aes256-sha256", NULL };

/* The lists into s (the checks passed already). */
static int
seg_load(void)
{
	char why[CONF_ERR_MAX];
	size_t i, n;
	int dike = conf.ike_props.n == 0;

	for (i = 0; i < conf.peers.n; i++) {
		IMS_CHECK_RC(seg_peer_parse(conf.peers.v[i], &s.peers[i], why,
		    sizeof(why)));
		if (s.peers[i].lnet.family != s.peers[i].addr.family)
			log_info("seg: peer %s: inner and outer families "
			    "differ", s.peers[i].name);
		s.peers[i].reqid = 0x5e900000u + (uint32_t)i + 1;
	}
	s.npeers = conf.peers.n;
	for (n = 0; dike ? dflt_ike[n] != NULL : n < conf.ike_props.n; n++)
		IMS_CHECK_RC(seg_prop_parse(dike ? dflt_ike[n] :
		    conf.ike_props.v[n], IKE_PROTO_IKE, &s.ike_props[n], why,
		    sizeof(why)));
	s.nike = n;
	for (n = 0; conf.esp_props.n == 0 ? dflt_esp[n] != NULL :
	    n < conf.esp_props.n; n++)
		IMS_CHECK_RC(seg_prop_parse(conf.esp_props.n == 0 ?
		    dflt_esp[n] : conf.esp_props.v[n], IKE_PROTO_ESP,
		    &s.esp_props[n], why, sizeof(why)));
	s.nesp = n;
	IMS_CHECK_RC(xfrm_ip_parse(conf.local, &s.local));
	n = strlen(conf.identity);
	s.id_body[0] = IKE_ID_FQDN;
	memcpy(s.id_body + 4, conf.identity, n);
	s.id_body_len = 4 + n;
	return 0;
}

static void
seg_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	seg_ike_tick(arg);
}

static int
seg_start(void *arg)
{
	struct timeval tv = { 1, 0 };
	int nsa = 0, npol = 0;
	size_t i;

	(void)arg;
	s.conf = &conf;
	s.fd = s.ctl_fd = -1;
	if (conf.peers.n == 0) {
		log_err("seg: no peer configured");
		return -EINVAL;
	}
	IMS_CHECK_RC(seg_load());
	if ((s.x = xfrm_open()) == NULL) {
		log_err("seg: xfrm netlink: %s", strerror(errno));
		return -errno;
	}
	IMS_CHECK_RC(xfrm_set_owner(s.x, (uint8_t)conf.owner));
	IMS_CHECK_RC(xfrm_flush_ours(s.x, &nsa, &npol));
	if (nsa + npol > 0)
		log_info("seg: %d SAs and %d policies left by an earlier run "
		    "flushed", nsa, npol);
	IMS_CHECK_RC(seg_cert_load(&s));
	IMS_CHECK_RC(evloop_init(&s.loop));
	IMS_CHECK_RC(seg_net_open(&s));
	IMS_CHECK_RC(seg_ctl_open(&s));
	for (i = 0; i < s.npeers; i++)
		IMS_CHECK_RC(seg_kernel_policies(s.x, &s.local, &s.peers[i]));
	if ((s.ev_tick = event_new(s.loop.base, -1, EV_PERSIST, seg_tick_cb,
	    &s)) == NULL || event_add(s.ev_tick, &tv) != 0)
		return -ENOMEM;
	return 0;
}

static int
seg_launch(void *arg)
{
	(void)arg;
	log_info("seg: ready, %s at %s port %u, %zu peers, xfrm owner %u",
	    conf.identity, conf.local, conf.port, s.npeers, conf.owner);
	return 0;
}

static int
seg_run(void *arg)
{
	(void)arg;
	seg_ike_tick(&s);	/* the initiations at once */
	return evloop_run(&s.loop);
}

static void
seg_stop(void *arg)
{
	(void)arg;
	evloop_stop(&s.loop);
}

static int
seg_fini(void *arg)
{
	struct seg_ike *sa;
	int nsa = 0, npol = 0, rc = 0;
	size_t i;

	(void)arg;
	for (sa = s.sas; sa != NULL; sa = sa->next)
		if (sa->state == SEG_ESTABLISHED)
			(void)seg_info_send(sa, 1);
	for (sa = s.sas; sa != NULL; sa = sa->next)
		seg_ike_kill(sa, "seg stopping");
	while ((sa = s.sas) != NULL) {
		s.sas = sa->next;
		seg_ike_free(sa);
	}
	if (s.x != NULL) {
		for (i = 0; i < s.npeers; i++)
			(void)seg_kernel_policies_del(s.x, &s.peers[i]);
		rc = xfrm_flush_ours(s.x, &nsa, &npol);
		xfrm_close(s.x);
	}
	for (i = 0; i < s.npeers; i++)
		OPENSSL_cleanse(s.peers[i].psk, sizeof(s.peers[i].psk));
	if (s.ev_tick != NULL)
		event_free(s.ev_tick);
	seg_ctl_close(&s);
	seg_net_close(&s);
	seg_cert_free(&s);
	seg_cookie_wipe(&s);
	evloop_fini(&s.loop);
	log_info("seg: stopped");
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "seg",
		.tables = seg_tables,
		.ntables = sizeof(seg_tables) / sizeof(seg_tables[0]),
		.caps = DAEMON_CAP(CAP_NET_ADMIN),
		.start = seg_start,
		.launch = seg_launch,
		.run = seg_run,
		.stop = seg_stop,
		.fini = seg_fini,
	};

	return daemon_main(&spec, argc, argv);
}
