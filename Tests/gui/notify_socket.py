#!/usr/bin/env python3
"""Plays systemd's part for sd_notify(3): binds a notification socket, starts COMMAND with
NOTIFY_SOCKET and WATCHDOG_USEC set (as a Type=notify unit with WatchdogSec= would), and
records what the process sends.

    python3 Tests/gui/notify_socket.py --watchdog-sec 2 --seconds 8 -- digit-generator --kiosk

Prints one line per message ("notify: 1.234 s READY=1 ...") and a summary; exits 0 only when
READY=1 arrived and every WATCHDOG=1 came within the interval systemd allows (the app pings at
half of it: gaps between 0.35 and 0.65 of WatchdogSec), with at least two pings. The command
is terminated at the end (SIGTERM, then SIGKILL).
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--watchdog-sec", type=float, default=2.0)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not command:
        p.error("no command")
    directory = tempfile.mkdtemp(prefix="notify-")
    path = os.path.join(directory, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.1)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(int(a.watchdog_sec * 1e6)))
    start = time.monotonic()
    proc = subprocess.Popen(command, env=env)
    ready = None
    pings = []
    try:
        while time.monotonic() - start < a.seconds:
            try:
                data = sock.recv(4096).decode("utf-8", "replace")
            except socket.timeout:
                if proc.poll() is not None:
                    break
                continue
            t = time.monotonic() - start
            print("notify: %.3f s %s" % (t, data.replace("\n", " | ")))
            for line in data.split("\n"):
                if line == "READY=1" and ready is None:
                    ready = t
                if line == "WATCHDOG=1":
                    pings.append(t)
    finally:
        early_exit = proc.poll()
        if early_exit is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        sock.close()
        os.unlink(path)
        os.rmdir(directory)
    gaps = [b - a2 for a2, b in zip(pings, pings[1:])]
    low, high = 0.35 * a.watchdog_sec, 0.65 * a.watchdog_sec
    ok = ready is not None and len(pings) >= 2 and all(low <= g <= high for g in gaps) and early_exit is None
    print("notify: READY=1 %s; %d WATCHDOG=1, gaps %s s (allowed %.2f-%.2f)%s" % (
        "after %.3f s" % ready if ready is not None else "never", len(pings),
        ", ".join("%.3f" % g for g in gaps) or "none", low, high,
        "" if early_exit is None else "; the command exited early with status %d" % early_exit))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
