"""Asks a running imsa to renew the active profile's credentials every INTERVAL seconds.

Usage: renewloop.py CONTROL_SOCKET SECONDS INTERVAL
Speaks imsa's control protocol (one JSON object per line over the local socket) and prints
how many renewals were acknowledged, so the benchmark can show the refreshes happened.
"""

import json
import socket
import sys
import time


def main() -> int:
    path, seconds, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    deadline = time.monotonic() + seconds
    acknowledged = 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as control:
        control.settimeout(5)
        control.connect(path)
        replies = control.makefile("r", encoding="utf-8")
        request = 0
        while time.monotonic() < deadline:
            request += 1
            line = json.dumps({"v": 1, "id": str(request), "command": "renew"}) + "\n"
            control.sendall(line.encode())
            reply = json.loads(replies.readline())
            if reply.get("ok") is True:
                acknowledged += 1
            time.sleep(max(0.0, min(interval, deadline - time.monotonic())))
    print(f"renewals acknowledged: {acknowledged}/{request}")
    return 0 if acknowledged == request else 1


if __name__ == "__main__":
    sys.exit(main())
