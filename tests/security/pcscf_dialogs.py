#!/usr/bin/python3
"""pcscf_dialogs.py - UEs behind the P-CSCF playing dialogs and attacks on
them (sipua.py); registered UEs must already be bound to the ports used
(alice 5071, bob 5072, carol 5073 on the UE address).  Prints one line
per check, "ok NAME" or "FAIL NAME: why"; exits 1 on any FAIL.

  pcscf_dialogs.py STEP UE_IP PCSCF_IP SCSCF_IP DOMAIN [STATE_FILE]

STEP:
  dialogs    forged identities and route sets in and around an
             INVITE/200/ACK/MESSAGE/BYE dialog between alice and bob
  capacity   max-ue-dialogs = 2 and max-dialogs = 6 at the P-CSCF: 503
             with Retry-After before anything is forwarded
  hold       alice calls bob and keeps the dialog (saved in STATE_FILE)
  after-dereg  alice (registered again since) sends in the saved dialog
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sipua import UA, Msg, pump, rnd, transact, uri_of  # noqa: E402

step, UE, PC, SC, DOMAIN = sys.argv[1:6]
STATE = sys.argv[6] if len(sys.argv) > 6 else None
PCD = (PC, 5060)
failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("ok %s" % name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


def ua(user, port):
    return UA("%s:%d" % (UE, port), user=user, domain=DOMAIN)


def aor(user):
    return "sip:%s@%s" % (user, DOMAIN)


def got(u, callid, method=None):
    """Requests u received in that Call-ID (and method)."""
    return [m for m in u.received if m.get("Call-ID") == callid and
            (method is None or m.method == method)]


def invite(caller, callee, others=(), headers=(), ruri=None):
    """An INVITE from caller to callee through the P-CSCF: the final
    response and the dialog (dict) when it is a 2xx; the 2xx is ACKed
    along the route set (RFC 3261 13.2.2.4)."""
    callid = rnd(64) + "@" + UE
    text, br = caller.request("INVITE", ruri or aor(callee.user), None,
                              headers=headers, callid=callid, cseq=1)
    m = transact(caller, text, br, PCD, others=[callee] + list(others))
    if m is None or m.status >= 300:
        return m, None
    route = list(reversed(m.all("Record-Route")))
    d = {"callid": callid, "local": caller.tag, "remote": m.tag("To"),
         "route": route, "target": uri_of(m.get("Contact")),
         "peer_uri": aor(callee.user), "cseq": 1}
    ack, _ = caller.request("ACK", d["target"], None, to_uri=d["peer_uri"],
                            to_tag=d["remote"], callid=callid, cseq=1,
                            route=route)
    caller.send(ack, PCD)
    pump([caller, callee] + list(others), 0.5)
    return m, d


def callee_dialog(callee, caller_ua, callid):
    """The callee's side (RFC 3261 12.1.1): route set = Record-Route of
    the INVITE as received, in order; remote target its Contact."""
    inv = got(callee, callid, "INVITE")[-1]
    return {"callid": callid, "local": callee.tag, "remote": inv.tag("From"),
            "route": inv.all("Record-Route"),
            "target": uri_of(inv.get("Contact")),
            "peer_uri": uri_of(inv.get("From")), "cseq": 100}


def in_dialog(u, d, method, others=(), route=None, headers=(), body=""):
    """A request within dialog d from u; route None: d's route set."""
    d["cseq"] += 1
    text, br = u.request(method, d["target"], None, to_uri=d["peer_uri"],
                         to_tag=d["remote"], callid=d["callid"],
                         cseq=d["cseq"], body=body, headers=headers,
                         route=d["route"] if route is None else route)
    # The From tag is the dialog's local tag (another UE may copy it).
    text = text.replace(";tag=%s\r\n" % u.tag, ";tag=%s\r\n" % d["local"],
                        1)
    return transact(u, text, br, PCD, others=others)


def status(m):
    return m.status if m is not None else None


def forged_free(msgs):
    return all("forged" not in m.raw and "evil" not in m.raw for m in msgs)


def dialogs():
    alice, bob, carol = ua("alice", 5071), ua("bob", 5072), ua("carol", 5073)
    all3 = [alice, bob, carol]
    pc_rr = "<sip:%s:5060;lr>" % PC
    sc_rr = "<sip:%s:6060;lr>" % SC

    # 1. A dialog the P-CSCF never saw: 481, nothing forwarded.
    fake = {"callid": "fake-" + rnd() + "@" + UE, "local": alice.tag,
            "remote": "deadbeef", "route": ["<sip:orig@%s:6060;lr>" % SC],
            "target": aor("bob"), "peer_uri": aor("bob"), "cseq": 1}
    m = in_dialog(alice, fake, "MESSAGE", others=all3,
                  headers=["P-Asserted-Identity: <sip:bob@%s>" % DOMAIN],
                  body="forged in-dialog 1")
    pump(all3, 1.0)
    check("unknown dialog, Route orig@scscf, forged PAI: 481",
          status(m) == 481, "got %s" % status(m))
    check("unknown dialog: nothing reached bob",
          not got(bob, fake["callid"]))

    # 2. A real dialog; both UEs forge what they can.
    bob.extra = ["P-Asserted-Identity: <sip:forged@%s>" % DOMAIN,
                 "P-Charging-Vector: icid-value=forged"]
    bob.rr_extra = ["192.0.2.66"]
    m, a_d = invite(alice, bob, others=[carol], headers=[
        "P-Asserted-Identity: <sip:forged@%s>" % DOMAIN,
        "P-Preferred-Identity: <sip:forged@%s>" % DOMAIN,
        "P-Charging-Vector: icid-value=forged;icid-generated-at=evil",
        "P-Charging-Function-Addresses: ccf=evil",
        "P-Served-User: <sip:forged@%s>" % DOMAIN,
        "Record-Route: <sip:evil@192.0.2.66;lr>"])
    bob.extra, bob.rr_extra = [], []
    check("alice -> bob INVITE: 200", status(m) == 200, "got %s" % status(m))
    if a_d is None:
        return
    inv = got(bob, a_d["callid"], "INVITE")
    check("bob got one INVITE", len(inv) == 1, "%d" % len(inv))
    inv = inv[-1]
    check("bob's INVITE: P-Asserted-Identity alice's, only",
          inv.all("P-Asserted-Identity") == ["<%s>" % aor("alice")],
          "%s" % inv.all("P-Asserted-Identity"))
    check("bob's INVITE: nothing forged (PAI, PPI, charging, served user, "
          "Record-Route)", forged_free([inv]))
    check("bob's INVITE: no charging headers (RFC 7315: trust domain only)",
          not inv.all("P-Charging-Vector") and
          not inv.all("P-Charging-Function-Addresses"))
    check("bob's INVITE: Record-Route pcscf, scscf, pcscf",
          inv.all("Record-Route") == [pc_rr, sc_rr, pc_rr],
          "%s" % inv.all("Record-Route"))
    check("alice's 200: P-Asserted-Identity bob's, only",
          m.all("P-Asserted-Identity") == ["<%s>" % aor("bob")],
          "%s" % m.all("P-Asserted-Identity"))
    check("alice's 200: bob's extra Record-Route removed, nothing forged",
          m.all("Record-Route") == [pc_rr, sc_rr, pc_rr] and
          forged_free([m]), "%s" % m.all("Record-Route"))
    check("bob got the ACK", len(got(bob, a_d["callid"], "ACK")) == 1)
    b_d = callee_dialog(bob, alice, a_d["callid"])

    # 3. alice's in-dialog requests off the route set: 403.
    for name, route in (
            ("Route pcscf, orig@scscf", [pc_rr,
                                         "<sip:orig@%s:6060;lr>" % SC]),
            ("no Route", []),
            ("Route pcscf only", [pc_rr]),
            ("Route pcscf, scscf, pcscf, extra hop",
             a_d["route"] + ["<sip:%s:5060;lr>" % UE])):
        m = in_dialog(alice, a_d, "MESSAGE", others=all3, route=route,
                      headers=["P-Asserted-Identity: <sip:bob@%s>"
                               % DOMAIN], body="forged off-route")
        check("in-dialog MESSAGE with %s: 403" % name, status(m) == 403,
              "got %s" % status(m))
    pump(all3, 1.0)
    check("no off-route MESSAGE reached bob",
          not got(bob, a_d["callid"], "MESSAGE"))
    # Another UE in alice's dialog (her Call-ID and tags): 481.
    m = in_dialog(carol, dict(a_d), "MESSAGE", others=all3,
                  body="carol in alice's dialog")
    check("carol sending in alice's dialog: 481", status(m) == 481,
          "got %s" % status(m))

    # 4. Along the route set: through, identity asserted.
    m = in_dialog(alice, a_d, "MESSAGE", others=all3,
                  headers=["P-Asserted-Identity: <sip:forged@%s>" % DOMAIN],
                  body="hello within the dialog")
    check("alice's in-dialog MESSAGE along the route set: 200",
          status(m) == 200, "got %s" % status(m))
    msgs = got(bob, a_d["callid"], "MESSAGE")
    check("bob got it with alice's asserted identity only",
          len(msgs) == 1 and msgs[0].all("P-Asserted-Identity") ==
          ["<%s>" % aor("alice")] and forged_free(msgs),
          "%s" % [x.all("P-Asserted-Identity") for x in msgs])
    # The UE-terminated side: bob's dialog.
    m = in_dialog(bob, b_d, "MESSAGE", others=all3,
                  headers=["P-Asserted-Identity: <sip:forged@%s>" % DOMAIN],
                  body="hello back")
    check("bob's in-dialog MESSAGE along his route set: 200",
          status(m) == 200, "got %s" % status(m))
    back = got(alice, a_d["callid"], "MESSAGE")
    check("alice got it with bob's asserted identity only",
          len(back) == 1 and back[0].all("P-Asserted-Identity") ==
          ["<%s>" % aor("bob")] and forged_free(back),
          "%s" % [x.all("P-Asserted-Identity") for x in back])
    m = in_dialog(bob, b_d, "MESSAGE", others=all3,
                  route=[pc_rr, "<sip:orig@%s:6060;lr>" % SC],
                  body="forged off-route from bob")
    check("bob's in-dialog MESSAGE off his route set: 403",
          status(m) == 403, "got %s" % status(m))

    # 5. BYE ends the dialog on both sides.
    m = in_dialog(alice, a_d, "BYE", others=all3)
    check("alice's BYE: 200", status(m) == 200, "got %s" % status(m))
    check("bob got the BYE", len(got(bob, a_d["callid"], "BYE")) == 1)
    m = in_dialog(alice, a_d, "MESSAGE", others=all3, body="after BYE")
    check("alice's MESSAGE after the BYE: 481", status(m) == 481,
          "got %s" % status(m))
    m = in_dialog(bob, b_d, "MESSAGE", others=all3, body="after BYE")
    check("bob's MESSAGE after the BYE: 481", status(m) == 481,
          "got %s" % status(m))

    # 6. A CANCEL that matches no INVITE transaction: 481.
    text, br = alice.request("CANCEL", aor("bob"), None,
                             route=["<sip:orig@%s:6060;lr>" % SC])
    m = transact(alice, text, br, PCD, others=all3)
    check("stray CANCEL: 481", status(m) == 481, "got %s" % status(m))


def capacity():
    alice, bob, carol = ua("alice", 5071), ua("bob", 5072), ua("carol", 5073)
    all3 = [alice, bob, carol]
    calls = []
    for i in range(2):
        m, d = invite(alice, bob, others=[carol])
        check("alice's call %d: 200" % (i + 1), status(m) == 200,
              "got %s" % status(m))
        calls.append(d)
    n = len(bob.received)
    m, _ = invite(alice, bob, others=[carol])
    check("alice's 3rd dialog (max-ue-dialogs 2): 503", status(m) == 503,
          "got %s" % status(m))
    check("with Retry-After", m is not None and m.get("Retry-After") and
          1 <= int(m.get("Retry-After")) <= 600)
    pump(all3, 0.5)
    check("bob never saw that INVITE", len(bob.received) == n)
    # 4 slots used; carol's call takes the last 2.
    m, c1 = invite(carol, bob, others=[alice])
    check("carol's call (slots 5 and 6 of 6): 200", status(m) == 200,
          "got %s" % status(m))
    n = len(bob.received)
    m, _ = invite(carol, bob, others=[alice])
    check("carol's 2nd call, table full (max-dialogs 6): 503",
          status(m) == 503, "got %s" % status(m))
    check("with Retry-After", m is not None and m.get("Retry-After"))
    pump(all3, 0.5)
    check("bob never saw it", len(bob.received) == n)
    m = in_dialog(alice, calls[0], "BYE", others=all3)
    check("alice hangs up one call: 200", status(m) == 200)
    m, c2 = invite(carol, bob, others=[alice])
    check("room again: carol's 2nd call: 200", status(m) == 200,
          "got %s" % status(m))
    for u, d in ((alice, calls[1]), (carol, c1), (carol, c2)):
        if d is not None:
            m = in_dialog(u, d, "BYE", others=all3)
            check("%s hangs up: 200" % u.user, status(m) == 200)


def hold():
    alice, bob = ua("alice", 5071), ua("bob", 5072)
    m, d = invite(alice, bob)
    check("alice -> bob: 200", status(m) == 200, "got %s" % status(m))
    m = in_dialog(alice, d, "MESSAGE", others=[bob], body="before")
    check("in-dialog MESSAGE before the de-registration: 200",
          status(m) == 200, "got %s" % status(m))
    with open(STATE, "w") as f:
        json.dump({"alice": d, "bob": callee_dialog(bob, alice,
                                                    d["callid"])}, f)


def after_dereg():
    alice, bob = ua("alice", 5071), ua("bob", 5072)
    with open(STATE) as f:
        st = json.load(f)
    m = in_dialog(alice, st["alice"], "MESSAGE", others=[bob],
                  body="after de-registration")
    check("alice, registered again, in the dialog of her old "
          "registration: 481", status(m) == 481, "got %s" % status(m))
    pump([alice, bob], 0.5)
    check("nothing reached bob",
          not got(bob, st["alice"]["callid"], "MESSAGE"))


{"dialogs": dialogs, "capacity": capacity, "hold": hold,
 "after-dereg": after_dereg}[step]()
time.sleep(0.1)
sys.exit(1 if failed else 0)
