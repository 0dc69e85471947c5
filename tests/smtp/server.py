"""A real SMTP server for duban's mail tests (aiosmtpd), on a free 127.0.0.1 port.

Usage: server.py OUTDIR [--tls-mode plain|starttls|tls] [--cert F --key F]
                 [--user U --password P] [--refuse-once N] [--drop-after-data N]
                 [--seconds N]

Prints "PORT <n>" when it accepts connections, then serves until killed, or for N seconds
at most (default 600), so that it stops by itself whatever happens to the test. Every accepted
message is stored as OUTDIR/<n>.json: {"mail_from", "rcpt_tos", "data" (base64)}.
--refuse-once N refuses the recipients of the N-th transaction once (550), as a server that
rejects one address does; a later attempt for the same recipients is accepted.
--drop-after-data N stores the message of the N-th transaction, then drops the connection
without answering the end of its DATA (once): the client cannot know it was accepted.
"""
import argparse
import base64
import json
import os
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Store:
    def __init__(self, outdir, refuse_once, drop_after_data=0):
        self.outdir = outdir
        self.refuse_once = refuse_once
        self.drop_after_data = drop_after_data
        self.transactions = 0
        self.refused = set()
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.transactions += 1
        envelope.transaction = self.transactions
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if getattr(envelope, "transaction", 0) == self.refuse_once and address not in self.refused:
            self.refused.add(address)
            return "550 5.1.1 Mailbox unavailable (refused by test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": base64.b64encode(envelope.original_content or envelope.content).decode(),
        }
        path = os.path.join(self.outdir, f"{self.count:04d}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)
        if getattr(envelope, "transaction", 0) == self.drop_after_data:
            self.drop_after_data = 0
            # Gone before the reply: abort() discards what would be written next.
            server.transport.abort()
        return "250 Message accepted"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--tls-mode", default="plain", choices=["plain", "starttls", "tls"])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--refuse-once", type=int, default=0)
    ap.add_argument("--drop-after-data", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=600)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)

    kwargs = {}
    ctx = None
    if a.tls_mode != "plain":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
    if a.tls_mode == "starttls":
        kwargs.update(tls_context=ctx, require_starttls=True)
    elif a.tls_mode == "tls":
        kwargs.update(ssl_context=ctx)
    if a.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == a.user
                and auth_data.password.decode() == a.password
            )
            # handled=False: aiosmtpd answers 535 itself (handled=True means "already answered").
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=a.tls_mode != "plain")
    port = free_port()
    controller = Controller(Store(a.outdir, a.refuse_once, a.drop_after_data), hostname="127.0.0.1", port=port, **kwargs)
    if a.tls_mode == "tls":
        # The controller's readiness probe speaks plain SMTP; with implicit TLS it must
        # be told to wrap its probe too (aiosmtpd uses ssl_context for that).
        pass
    controller.start()
    print(f"PORT {port}", flush=True)
    try:
        time.sleep(a.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
