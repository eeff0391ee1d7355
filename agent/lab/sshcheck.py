"""Log in to lab devices with netmiko ``linux`` (as the collector does) and report each prompt
and hostname. Run inside the lab's management namespace:
``python -I sshcheck.py HOST...`` with ``SEGPROOF_USERNAME``/``SEGPROOF_PASSWORD`` set; prints
``{host: {"prompt", "hostname"} | {"error"}}`` as JSON."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import sys

from netmiko import ConnectHandler


def login(host: str) -> dict[str, str]:
    try:
        conn = ConnectHandler(
            device_type="linux",
            host=host,
            username=os.environ["SEGPROOF_USERNAME"],
            password=os.environ["SEGPROOF_PASSWORD"],
            use_keys=False,
            allow_agent=False,
            conn_timeout=5,
            auth_timeout=5,
            banner_timeout=5,
        )
        try:
            prompt = conn.find_prompt()
            name = str(conn.send_command("hostname", read_timeout=10)).strip()
        finally:
            conn.disconnect()
    except Exception as exc:  # reported as a value, per host
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"prompt": prompt, "hostname": name}


def main(hosts: list[str]) -> int:
    with cf.ThreadPoolExecutor(max_workers=max(1, len(hosts))) as pool:
        answers = dict(zip(hosts, pool.map(login, hosts), strict=True))
    json.dump(answers, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
