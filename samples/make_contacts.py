"""Writes samples/contacts.csv from `duban catalog export --format json --expand`.

One row per unit with tasks and per leader, with example.org addresses (RFC 2606: they
can never reach anybody). Run: duban catalog export --format json --expand | python3 samples/make_contacts.py
"""
import csv
import json
import sys

cat = json.load(sys.stdin)
with_tasks = set()
for t in cat["tasks"]:
    with_tasks.update(t["hosts"])
    with_tasks.update(t["co_units"])
units = [u["name"] for u in cat["units"] if u["name"] in with_tasks]

with open("samples/contacts.csv", "w", newline="", encoding="utf-8-sig") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["name", "role", "to", "cc", "contact"])
    for i, name in enumerate(units, 1):
        cc = f"unit{i:02d}-leader@example.org; unit{i:02d}-office@example.org" if i % 10 == 1 else ""
        w.writerow([name, "unit", f"unit{i:02d}@example.org", cc, f"{name}办公室"])
    for i, name in enumerate(cat["leaders"], 1):
        w.writerow([name, "leader", f"leader{i:02d}@example.org", "duban-office@example.org", f"{name}同志"])
print(f"{len(units)} units, {len(cat['leaders'])} leaders", file=sys.stderr)
