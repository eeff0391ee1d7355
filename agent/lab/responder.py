"""Listeners for a lab host (standard library only; run inside the namespace with
``python -I responder.py --tcp 22,443 --udp 161 [--ipv6]``).

TCP: accept and close. UDP: send each datagram back to its sender (the probe listens for that
reply). Prints ``ready`` once every socket is bound; runs until SIGTERM.
"""

from __future__ import annotations

import argparse
import selectors
import signal
import socket
import sys
from types import FrameType


def _ports(text: str) -> list[int]:
    return [int(p) for p in text.split(",") if p]


def _sockets(tcp: list[int], udp: list[int], ipv6: bool) -> list[socket.socket]:
    families = [(socket.AF_INET, "0.0.0.0")]
    if ipv6:
        families.append((socket.AF_INET6, "::"))
    out = []
    for family, anyaddr in families:
        for kind, ports in ((socket.SOCK_STREAM, tcp), (socket.SOCK_DGRAM, udp)):
            for port in ports:
                sock = socket.socket(family, kind)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind((anyaddr, port))
                if kind == socket.SOCK_STREAM:
                    sock.listen(64)
                sock.setblocking(False)
                out.append(sock)
    return out


def _stop(_signum: int, _frame: FrameType | None) -> None:
    sys.exit(0)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tcp", default="")
    ap.add_argument("--udp", default="")
    ap.add_argument("--ipv6", action="store_true")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    sel = selectors.DefaultSelector()
    for listener in _sockets(_ports(args.tcp), _ports(args.udp), args.ipv6):
        sel.register(listener, selectors.EVENT_READ, listener)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            sock: socket.socket = key.data
            try:
                if sock.type == socket.SOCK_STREAM:
                    conn, _ = sock.accept()
                    conn.close()
                else:
                    data, peer = sock.recvfrom(2048)
                    sock.sendto(data, peer)
            except OSError:
                continue


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
