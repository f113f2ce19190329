/* seg_msgid.c - RFC 7296 2.3 (Message IDs, window size 1) and 2.1/2.4
 * (retransmission timers), as pure functions.
 */
#include "seg.h"

/* 2.2/2.3: a responder keeps the last response; a request carrying its
 * Message ID is a retransmission and gets that response again; any other
 * request but the next expected one is dropped (2.3: "outside the
 * window"). */
enum seg_rx
seg_msgid_request(uint32_t expected, int have_resp, uint32_t msgid)
{
	if (msgid == expected)
		return SEG_RX_NEW;
	if (have_resp && expected != 0 && msgid == expected - 1)
		return SEG_RX_RETRANSMIT;
	return SEG_RX_DROP;
}

/* 2.3: an initiator accepts only the response to its outstanding request
 * (same Message ID); an unexpected response is ignored. */
int
seg_msgid_response(int outstanding, uint32_t sent, uint32_t msgid)
{
	return outstanding && msgid == sent;
}

/* 2.4: retransmit with exponential back-off; 2.1: the initiator's
 * timers.  base, 2 base, 4 base ... at most 30 s. */
unsigned
seg_rtx_delay(unsigned base_ms, unsigned n)
{
	unsigned d = base_ms;

	while (n-- > 0 && d < 30000)
		d *= 2;
	return d < 30000 ? d : 30000;
}
