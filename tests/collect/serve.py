"""Run FakeNOS out of process (in its own venv: it pins paramiko<=4).

usage: python serve.py INVENTORY.json READY_FILE PLUGIN.yaml...
Starts every host, writes READY_FILE, stops all hosts concurrently on SIGTERM/SIGINT.
"""

import json
import logging
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from fakenos import FakeNOS

for noisy in ("fakenos", "paramiko"):
    logging.getLogger(noisy).setLevel(logging.CRITICAL)


def stop_all(net):
    with ThreadPoolExecutor(max_workers=max(1, len(net.hosts))) as ex:
        list(ex.map(lambda h: h.stop(), list(net.hosts.values())))


def main():
    inventory_path, ready, *plugins = sys.argv[1:]
    with open(inventory_path, encoding="utf-8") as fh:
        inventory = json.load(fh)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    net = FakeNOS(inventory=inventory, plugins=plugins)
    try:
        net.start()
    except BaseException:
        stop_all(net)
        raise
    with open(ready + ".tmp", "w", encoding="utf-8") as fh:
        json.dump({n: h.port for n, h in net.hosts.items()}, fh)
    os.replace(ready + ".tmp", ready)
    done.wait()
    stop_all(net)


if __name__ == "__main__":
    main()
