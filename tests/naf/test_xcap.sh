#!/bin/bash
# test_xcap.sh - the xcap server (RFC 4825, TS 24.623 simservs) alone,
# driven with curl from another namespace as the naf would: the whole
# document (PUT, GET, DELETE), elements by name, position and attribute
# (GET, PUT creating and replacing, DELETE), strong ETags that change on
# every write, If-Match / If-None-Match (412, 304), 409 for a body that is
# not well-formed, 404, 415, 405; 403 for an untrusted source, a missing
# asserted identity and another user's document; the store survives a
# restart.  Env: XCAP (binary).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=naf_lib.sh
. "$here/naf_lib.sh"

: "${XCAP:?XCAP not set}"
[ -x "$XCAP" ] || die "not executable: $XCAP"
need ss python3

WORK=$PWD/run
work_dir "$WORK"
naf_topo_up
PORT=8080
lab_conf "$XCAP" naf/xcap xcap.conf \
	-o listen="$IP_A:$PORT" -o db="$WORK/db/xcap.db" \
	-o trusted-peer="$IP_B" -o max-body=4096
check "xcap -n accepts the configuration" "$XCAP" -n -c xcap.conf
start_daemon "$NS_A" XCAP xcap.log "$PORT" "$XCAP" -c xcap.conf
BASE=http://$IP_A:$PORT$DOC_PATH
DOC=$BASE/$ALICE_ENC/simservs.xml
SEL=$DOC/~~/simservs

# x [--from IP] [--as ID|--no-id] CURL-ARGS...: curl from namespace B as
# the naf would (asserted identity alice); prints the status, then the
# headers and body in last.hdr / last.body.
x() {
	local from=$IP_B id=$ALICE
	local -a h=()
	while :; do
		case $1 in
		--from) from=$2; shift 2 ;;
		--as) id=$2; shift 2 ;;
		--no-id) id=; shift ;;
		*) break ;;
		esac
	done
	[ -n "$id" ] && h=(-H "X-3GPP-Asserted-Identity: \"$id\"")
	ip netns exec "$NS_B" curl -s -g --interface "$from" -o last.body \
		-D last.hdr -w '%{http_code}' "${h[@]}" "$@"
}
hdr() { sed -n "s/^$1: *//Ip" last.hdr | tr -d '\r'; }
put_doc() {
	x -X PUT -H 'Content-Type: application/simservs+xml' \
		--data-binary "@$1" "${@:2}" "$DOC"
}
put_el() {	# SELECTOR BODY [CURL-ARGS...]
	x -X PUT -H 'Content-Type: application/xcap-el+xml' \
		--data-binary "$2" "${@:3}" "$SEL$1"
}

cat >doc.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap"
    xmlns:cp="urn:ietf:params:xml:ns:common-policy">
  <originating-identity-presentation active="true"/>
  <communication-diversion active="true">
    <cp:ruleset>
      <cp:rule id="cfu"><cp:actions><forward-to><target>sip:voicemail@$REALM</target></forward-to></cp:actions></cp:rule>
      <cp:rule id="cfb"><cp:actions><forward-to><target>tel:+15550000</target></forward-to></cp:actions></cp:rule>
    </cp:ruleset>
  </communication-diversion>
</simservs>
XML

# ---- the whole document ----
check "GET before any PUT: 404" [ "$(x "$DOC")" = 404 ]
check "PUT of the document: 201" [ "$(put_doc doc.xml)" = 201 ]
E1=$(hdr ETag)
check "...with a strong ETag ($E1)" grep -Eq '^"[0-9a-f]{32}"$' <<<"$E1"
check "GET: 200" [ "$(x "$DOC")" = 200 ]
check "...the document as stored" cmp -s last.body doc.xml
check "...application/simservs+xml" [ "$(hdr Content-Type)" = application/simservs+xml ]
check "...the same ETag" [ "$(hdr ETag)" = "$E1" ]
check "the user part decoded: sip:alice@... unencoded is the same document" \
	[ "$(x "$BASE/$ALICE/simservs.xml")" = 200 ]
check "GET If-None-Match the current ETag: 304" \
	[ "$(x -H "If-None-Match: $E1" "$DOC")" = 304 ]
check "GET If-None-Match another ETag: 200" \
	[ "$(x -H 'If-None-Match: "0000"' "$DOC")" = 200 ]
check "PUT If-Match a stale ETag: 412" \
	[ "$(put_doc doc.xml -H 'If-Match: "0000"')" = 412 ]
check "PUT If-None-Match *: 412 (it exists)" \
	[ "$(put_doc doc.xml -H 'If-None-Match: *')" = 412 ]
check "PUT If-Match the current ETag: 200" \
	[ "$(put_doc doc.xml -H "If-Match: $E1")" = 200 ]
E2=$(hdr ETag)
check "...a new ETag on every write ($E2)" both [ -n "$E2" ] -- [ "$E2" != "$E1" ]
printf '<simservs xmlns="x"><unclosed></simservs>' >bad.xml
check "PUT of a body that is not well-formed: 409" [ "$(put_doc bad.xml)" = 409 ]
check "...<not-well-formed/> in application/xcap-error+xml" \
	both grep -q '<not-well-formed/>' last.body -- \
	[ "$(hdr Content-Type)" = application/xcap-error+xml ]
printf '<!DOCTYPE simservs [<!ENTITY a "aaaa">]><simservs>&a;</simservs>' >dtd.xml
check "PUT with a DTD (entities): 409" [ "$(put_doc dtd.xml)" = 409 ]
check "PUT with a wrong Content-Type: 415" [ "$(x -X PUT -H \
	'Content-Type: text/plain' --data-binary @doc.xml "$DOC")" = 415 ]
head -c 5000 /dev/zero | tr '\0' a >big.xml
check "PUT over max-body: 413" [ "$(put_doc big.xml)" = 413 ]
check "POST: 405" [ "$(x -X POST -d x "$DOC")" = 405 ]
check "another document name: 404" [ "$(x "$BASE/$ALICE_ENC/other.xml")" = 404 ]
check "another AUID: 404" [ "$(x "http://$IP_A:$PORT/resource-lists/users/$ALICE_ENC/simservs.xml")" = 404 ]

# ---- elements (RFC 4825 6.3 node selector) ----
check "GET element by name: 200" [ "$(x "$SEL/communication-diversion")" = 200 ]
check "...application/xcap-el+xml" [ "$(hdr Content-Type)" = application/xcap-el+xml ]
check "...the element, with its namespace declared" \
	both grep -q '^<communication-diversion xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap"' last.body -- \
	grep -q 'cfb' last.body
check "...the document's ETag" [ "$(hdr ETag)" = "$E2" ]
check "GET by position cp:rule[2]: the second rule" \
	both [ "$(x "$SEL/communication-diversion/cp:ruleset/cp:rule%5B2%5D")" = 200 ] -- \
	grep -q 'id="cfb"' last.body
check "GET by attribute cp:rule[@id=\"cfu\"]: the first rule" \
	both [ "$(x "$SEL/communication-diversion/cp:ruleset/cp:rule%5B@id=%22cfu%22%5D")" = 200 ] -- \
	grep -q 'voicemail' last.body
check "GET of a missing element: 404" [ "$(x "$SEL/terminating-identity-presentation")" = 404 ]
check "GET of an ambiguous selector (two cp:rule): 404" \
	[ "$(x "$SEL/communication-diversion/cp:ruleset/cp:rule")" = 404 ]
check "an attribute selector: 501" [ "$(x "$SEL/communication-diversion/@active")" = 501 ]
check "PUT element creates it: 201" [ "$(put_el /terminating-identity-presentation \
	'<terminating-identity-presentation active="false"/>')" = 201 ]
E3=$(hdr ETag)
check "...new ETag" both [ -n "$E3" ] -- [ "$E3" != "$E2" ]
check "...it is in the document, in the simservs namespace" \
	both [ "$(x "$SEL/terminating-identity-presentation")" = 200 ] -- \
	grep -q '^<terminating-identity-presentation xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap" active="false"/>' last.body
check "PUT element replaces it: 200" [ "$(put_el /terminating-identity-presentation \
	'<terminating-identity-presentation active="true"/>' -H "If-Match: $E3")" = 200 ]
x "$DOC" >/dev/null
check "...replaced, not added" [ "$(grep -c 'terminating-identity-presentation active="true"' last.body)" = 1 ]
check "PUT element with another name than the selector's: 409" \
	[ "$(put_el /terminating-identity-presentation '<other/>')" = 409 ]
check "PUT element not well-formed: 409" \
	[ "$(put_el /terminating-identity-presentation '<a>')" = 409 ]
check "PUT element under a missing parent: 409 <no-parent>" \
	both [ "$(put_el /nothing/here '<here/>')" = 409 ] -- grep -q no-parent last.body
check "PUT element If-Match stale: 412" [ "$(put_el /terminating-identity-presentation \
	'<terminating-identity-presentation/>' -H "If-Match: $E3")" = 412 ]
check "PUT of a third rule by position [3]: 201" [ "$(put_el \
	'/communication-diversion/cp:ruleset/cp:rule%5B3%5D' \
	'<cp:rule xmlns:cp="urn:ietf:params:xml:ns:common-policy" id="cfnr"/>')" = 201 ]
check "...it is rule[3]" both [ "$(x "$SEL/communication-diversion/cp:ruleset/cp:rule%5B3%5D")" = 200 ] -- \
	grep -q cfnr last.body
check "DELETE element by attribute: 200" \
	[ "$(x -X DELETE "$SEL/communication-diversion/cp:ruleset/cp:rule%5B@id=%22cfb%22%5D")" = 200 ]
check "...gone" [ "$(x "$SEL/communication-diversion/cp:ruleset/cp:rule%5B@id=%22cfb%22%5D")" = 404 ]
check "DELETE of the root element: 409" [ "$(x -X DELETE "$SEL")" = 409 ]

# ---- who may ask for what ----
check "from an untrusted address: 403" [ "$(x --from "$IP_C" "$DOC")" = 403 ]
check "...and logged" grep -q "not a trusted peer" xcap.log
check "without X-3GPP-Asserted-Identity: 403" [ "$(x --no-id "$DOC")" = 403 ]
check "bob asserted, alice's document: 403" [ "$(x --as "$BOB" "$DOC")" = 403 ]
check "bob's PUT to alice's document: 403" [ "$(x --as "$BOB" -X PUT \
	-H 'Content-Type: application/simservs+xml' --data-binary @doc.xml \
	"$DOC")" = 403 ]
check "two X-3GPP-Asserted-Identity headers: 403" [ "$(x \
	-H "X-3GPP-Asserted-Identity: \"$BOB\"" "$DOC")" = 403 ]
check "bob's own document: 404 (none yet)" \
	[ "$(x --as "$BOB" "$BASE/sip%3Abob%40$REALM/simservs.xml")" = 404 ]

# ---- durable: a restart keeps the document and its ETag ----
x "$DOC" >/dev/null
E4=$(hdr ETag)
cp last.body before.xml
kill "$XCAP_PID"
wait "$XCAP_PID" 2>/dev/null
start_daemon "$NS_A" XCAP xcap.log "$PORT" "$XCAP" -c xcap.conf
check "after a restart: the same document and ETag" \
	both [ "$(x "$DOC")" = 200 ] -- both cmp -s last.body before.xml -- \
	[ "$(hdr ETag)" = "$E4" ]
check "DELETE of the document: 200" [ "$(x -X DELETE "$DOC")" = 200 ]
check "...gone: 404" [ "$(x "$DOC")" = 404 ]
check "element PUT without a document: 409" [ "$(put_el /x '<x/>')" = 409 ]
check "the xcap process runs as imssec" \
	[ "$(ps -o user= -p "$XCAP_PID")" = "$LAB_USER" ]
summary
