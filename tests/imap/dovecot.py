#!/usr/bin/env python3
"""A real IMAP server for duban's collect tests: Debian's Dovecot, standalone, on 127.0.0.1.

    dovecot.py serve [--seconds N] [--tz ZONE]
        Starts `dovecot -F -c CONF` in a fresh temp folder (config, Maildir, logs, and a test
        CA with a server certificate for 127.0.0.1 signed by it) with a plain listener
        (LOGIN and STARTTLS) and an implicit-TLS one, both on free 127.0.0.1 ports. Prints
        one JSON line {"port", "tls_port", "ca", "user", "password", "tmp"} when both
        answer, then serves until its stdin closes, SIGTERM, or N seconds (default 300),
        and removes the folder. Dovecot runs under coreutils `timeout` and dies with this
        process (PR_SET_PDEATHSIG), so it stops by itself however the test ends.
    dovecot.py append PORT SPEC [--mailbox WIRE-NAME]
        IMAP APPEND, over one connection, of each message SPEC (a JSON file) lists:
        [{"file": F, "date": RFC 3339, "flags": ["\\Seen", …]}], INTERNALDATE = date; into
        INBOX, or into the folder of that modified UTF-7 name, created if need be.
    dovecot.py flags PORT
        Prints {uid: [flags]} of INBOX (\\Recent left out), read with EXAMINE.
    dovecot.py open PORT UID
        Reads message UID as a mail client does (SELECT, FETCH BODY[]), which sets \\Seen:
        the control that shows `flags` sees a change.

One user, office / secret. Run as root, Dovecot's processes drop to `nobody` (Dovecot
never reads mail as root); run as anyone else, everything runs as that user. Dovecot prints
INTERNALDATE in its own zone: --tz sets it (default Asia/Shanghai).
"""
import argparse
import ctypes
import datetime as dt
import grp
import imaplib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

USER, PASSWORD, HOST = "office", "secret", "127.0.0.1"
# Who Dovecot's processes and the mail files run as.
UID, GID = (65534, 65534) if os.geteuid() == 0 else (os.getuid(), os.getgid())

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/log/dovecot.log
info_log_path = {tmp}/log/dovecot.info.log
import_environment = TZ
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
ssl = yes
ssl_cert = <{tmp}/tls/server.pem
ssl_key = <{tmp}/tls/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {tmp}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def die_with_parent():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def make_certs(folder):
    """An EC CA and a server certificate for 127.0.0.1/localhost signed by it (rustls refuses
    a CA used as the server's own certificate)."""
    folder.mkdir(parents=True)

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=duban test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (folder / "server.ext").write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")


class Dovecot:
    """A running standalone Dovecot in its own temp folder; `with Dovecot() as d:`."""

    def __init__(self, seconds=300, tz="Asia/Shanghai"):
        self.seconds, self.tz = seconds, tz
        self.proc = None
        self.tmp = None

    def __enter__(self):
        if not shutil.which("dovecot"):
            raise SystemExit("dovecot is not installed: scripts/test installs dovecot-imapd")
        self.tmp = Path(tempfile.mkdtemp(prefix="duban-dovecot-"))
        os.chmod(self.tmp, 0o755)  # the mail processes (nobody, as root) must reach home/
        for sub in ("run", "state", "log"):
            (self.tmp / sub).mkdir()
        make_certs(self.tmp / "tls")
        home = self.tmp / "home" / USER
        for d in (self.tmp / "home", home, home / "Maildir", *(home / "Maildir" / s for s in ("new", "cur", "tmp"))):
            d.mkdir(exist_ok=True)
            os.chown(d, UID, GID)
        (self.tmp / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{UID}:{GID}::{home}::\n")
        self.port = free_port()
        self.tls_port = free_port()
        while self.tls_port == self.port:
            self.tls_port = free_port()
        conf = self.tmp / "dovecot.conf"
        conf.write_text(CONFIG.format(tmp=self.tmp, port=self.port, tls_port=self.tls_port,
                                      user=pwd.getpwuid(UID).pw_name,
                                      group=grp.getgrgid(GID).gr_name))
        self.proc = subprocess.Popen(
            ["timeout", "--kill-after=5", str(int(self.seconds)), "dovecot", "-F", "-c", str(conf)],
            env=dict(os.environ, TZ=self.tz), stdin=subprocess.DEVNULL,
            stdout=open(self.tmp / "log" / "stdout.log", "wb"), stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent)
        try:
            self.wait_ready(time.monotonic() + 20)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, deadline):
        err = None
        ca = str(self.tmp / "tls" / "ca.pem")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dovecot exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=2) as s:
                    assert s.recv(200).startswith(b"* OK")
                ctx = ssl.create_default_context(cafile=ca)
                with socket.create_connection((HOST, self.tls_port), timeout=2) as raw:
                    with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                        assert s.recv(200).startswith(b"* OK")
                return
            except (OSError, AssertionError) as e:
                err = e
                time.sleep(0.05)
        raise TimeoutError(f"dovecot did not answer: {err}\n{self.logs()}")

    def logs(self):
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted((self.tmp / "log").glob("*")))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # timeout passes it on to dovecot
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __exit__(self, *exc):
        self.stop()

    def info(self):
        return {"port": self.port, "tls_port": self.tls_port, "ca": str(self.tmp / "tls" / "ca.pem"),
                "user": USER, "password": PASSWORD, "tmp": str(self.tmp)}


def login(port):
    c = imaplib.IMAP4(HOST, port, timeout=30)
    c.login(USER, PASSWORD)
    return c


def append(port, messages, mailbox="INBOX"):
    """APPENDs (raw bytes, aware datetime, flags) over one connection into MAILBOX (its name
    on the wire, modified UTF-7: 报表 is &YqWIaA-), created first when it is not INBOX."""
    c = login(port)
    try:
        if mailbox != "INBOX":
            typ, data = c.list('""', mailbox)
            if not [d for d in data if d]:
                typ, data = c.create(mailbox)
                if typ != "OK":
                    raise RuntimeError(f"CREATE failed: {data}")
        for raw, date, flags in messages:
            f = "(" + " ".join(flags) + ")" if flags else None
            typ, data = c.append(mailbox, f, imaplib.Time2Internaldate(date), raw)
            if typ != "OK":
                raise RuntimeError(f"APPEND failed: {data}")
    finally:
        c.logout()


def flags(port):
    c = login(port)
    try:
        typ, _ = c.select("INBOX", readonly=True)
        assert typ == "OK"
        typ, data = c.uid("FETCH", "1:*", "(UID FLAGS)")
        out = {}
        for item in data or []:
            if not isinstance(item, bytes):
                continue
            uid = int(re.search(rb"UID (\d+)", item).group(1))
            out[uid] = sorted(f.decode() for f in imaplib.ParseFlags(item) if f != b"\\Recent")
        return out
    finally:
        c.logout()


def open_message(port, uid):
    c = login(port)
    try:
        c.select("INBOX")
        typ, _ = c.uid("FETCH", str(uid), "(BODY[])")
        assert typ == "OK"
    finally:
        c.logout()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--seconds", type=float, default=300)
    s.add_argument("--tz", default="Asia/Shanghai")
    a = sub.add_parser("append")
    a.add_argument("port", type=int)
    a.add_argument("spec")
    a.add_argument("--mailbox", default="INBOX")
    f = sub.add_parser("flags")
    f.add_argument("port", type=int)
    o = sub.add_parser("open")
    o.add_argument("port", type=int)
    o.add_argument("uid", type=int)
    args = ap.parse_args()
    if args.cmd == "append":
        spec = json.loads(Path(args.spec).read_text())
        append(args.port, [(Path(m["file"]).read_bytes(),
                            dt.datetime.fromisoformat(m["date"].replace("Z", "+00:00")),
                            m.get("flags", [])) for m in spec], args.mailbox)
        return 0
    if args.cmd == "flags":
        print(json.dumps(flags(args.port)))
        return 0
    if args.cmd == "open":
        open_message(args.port, args.uid)
        return 0
    with Dovecot(args.seconds, args.tz) as d:
        print(json.dumps(d.info()), flush=True)
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        done.wait(args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
