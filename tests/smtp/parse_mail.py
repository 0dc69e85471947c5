"""Parses messages the way a mail client would and prints what duban's tests assert on.

Usage: parse_mail.py FILE...   (.eml files, or the server's .json records)
Prints a JSON list, one object per message: rcpt_tos (for server records), to, cc, subject
(decoded), message_id, body (decoded text), attachments [{filename (RFC 2231 parameter),
ct_name (RFC 2047 name= on Content-Type, decoded), content_type, sha256, size}], defects.
"""
import base64
import email
import email.policy
import hashlib
import json
import sys
from email.header import decode_header, make_header


def describe(raw, rcpt_tos=None):
    m = email.message_from_bytes(raw, policy=email.policy.default)
    old = email.message_from_bytes(raw)  # compat32: what older parsers see
    old_names = [
        str(make_header(decode_header(p.get_param("name"))))
        for p in old.walk()
        if p.get_param("name") is not None
    ]
    atts = []
    for i, part in enumerate(m.iter_attachments()):
        # The bytes as sent: get_content() decodes a text/* part (an HTML page) to str.
        data = part.get_payload(decode=True)
        atts.append(
            {
                "filename": part.get_filename(),
                "ct_name": old_names[i] if i < len(old_names) else None,
                "content_type": part.get_content_type(),
                "transfer_encoding": part["Content-Transfer-Encoding"],
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
        )
    body = m.get_body(preferencelist=("plain",))
    defects = [str(d) for p in m.walk() for d in p.defects]
    return {
        "rcpt_tos": rcpt_tos,
        "to": str(m["To"] or ""),
        "cc": str(m["Cc"] or ""),
        "subject": str(m["Subject"] or ""),
        "message_id": str(m["Message-ID"] or ""),
        "body": body.get_content() if body is not None else "",
        "attachments": atts,
        "defects": defects,
    }


out = []
for path in sys.argv[1:]:
    if path.endswith(".json"):
        rec = json.load(open(path))
        out.append(describe(base64.b64decode(rec["data"]), rec["rcpt_tos"]))
    else:
        out.append(describe(open(path, "rb").read()))
print(json.dumps(out, ensure_ascii=False))
