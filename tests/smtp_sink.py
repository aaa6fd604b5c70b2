#!/usr/bin/env python3
"""A real SMTP server for the tests: aiosmtpd (Debian's python3-aiosmtpd)
on a loopback port, saving each message it accepts in DIR as NNNNNN.eml
(the bytes as received) with NNNNNN.rcpt (the envelope recipients, one a
line), each written whole before it is renamed into place, so a reader
never sees half a message.  Numbering goes on from the files already in
DIR, so a server restarted on the same DIR keeps counting.

  smtp_sink.py --dir DIR [--port N] [--fail N] [--fail-code CODE]
               [--delay SECONDS]

--fail N answers the first N messages with CODE (default 451, "try
again later") instead of accepting them.  --delay waits SECONDS after
saving a message before answering 250, as a slow server would: a client
killed meanwhile never learns that the message was taken.  The port it listens on is
written to DIR/port once it accepts connections.  SIGTERM stops it."""
import argparse
import asyncio
import os
import signal
import socket
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, d, fail, code, delay):
        self.dir = d
        self.delay = delay
        self.fail = fail
        self.code = code
        self.lock = threading.Lock()
        self.n = len([f for f in os.listdir(d) if f.endswith(".eml")])

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail > 0:
                self.fail -= 1
                return "%d 4.3.0 Test server: try again later" % self.code \
                    if self.code < 500 else \
                    "%d 5.7.1 Test server: refused for good" % self.code
            n = self.n
            self.n += 1
        base = os.path.join(self.dir, "%06d" % n)
        for ext, data in ((".rcpt", "\n".join(envelope.rcpt_tos).encode()),
                          (".eml", envelope.original_content)):
            with open(base + ext + ".tmp", "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.rename(base + ext + ".tmp", base + ext)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 Ok: queued as %06d" % n


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--fail-code", type=int, default=451)
    ap.add_argument("--delay", type=float, default=0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    port = a.port or free_port()
    c = Controller(Sink(a.dir, a.fail, a.fail_code, a.delay), hostname="127.0.0.1",
                   port=port, data_size_limit=10 * 1024 * 1024)
    c.start()
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % port)
    os.rename(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    c.stop()


if __name__ == "__main__":
    main()
