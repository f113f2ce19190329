#!/usr/bin/python3 -S
"""esp_replay.py PCAP DST SPI - the attacker's replay (RFC 4303 3.4.3):
send again, as captured, the first whole (unfragmented) ESP packet to DST
with SPI (decimal) from a pcap file (Ethernet, tcpdump -w), through a raw
IPv4 socket.
Prints replayed=SEQ; exit 1 when no such packet was captured."""
import socket
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, _ = struct.unpack(end + "IIII", rec)
            yield f.read(incl)


def main():
    path, dst, spi = sys.argv[1], socket.inet_aton(sys.argv[2]), \
        int(sys.argv[3], 0)
    for frame in packets(path):
        if len(frame) < 14 + 28 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0f) * 4
        if ip[9] != 50 or ip[16:20] != dst:	# ESP to DST
            continue
        if struct.unpack(">H", ip[6:8])[0] & 0x3fff:	# MF, offset
            continue
        s, seq = struct.unpack(">II", ip[ihl:ihl + 8])
        if s != spi:
            continue
        total = struct.unpack(">H", ip[2:4])[0]
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                             socket.IPPROTO_RAW)
        sock.sendto(ip[:total], (sys.argv[2], 0))
        print("replayed=%d" % seq)
        return 0
    print("no ESP packet to %s with SPI %d" % (sys.argv[2], spi))
    return 1


if __name__ == "__main__":
    sys.exit(main())
