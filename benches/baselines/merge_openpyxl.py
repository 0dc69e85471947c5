#!/usr/bin/env python3
"""Baseline: what an office programmer writes with openpyxl. usage: merge_openpyxl.py IN_DIR OUT.xlsx"""
import collections, os, sys
import openpyxl

def main():
    src, dst = sys.argv[1], sys.argv[2]
    rows, counts = [], collections.Counter()
    for name in sorted(os.listdir(src)):
        if not name.endswith(".xlsx"):
            continue
        wb = openpyxl.load_workbook(os.path.join(src, name), read_only=True)
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = None
        for r in it:
            if r and "序号" in r:
                header = {str(v): i for i, v in enumerate(r) if v is not None}
                break
        for r in it:
            if r[header["序号"]] is None:
                continue
            rec = {k: r[i] for k, i in header.items()}
            rec["文件"] = name
            rows.append(rec)
            counts[rec["推进状态"]] += 1
        wb.close()
    out = openpyxl.Workbook(write_only=True)
    ws = out.create_sheet("明细")
    cols = ["文件"] + [c for c in rows[0] if c != "文件"]
    ws.append(cols)
    for rec in rows:
        ws.append([rec.get(c) for c in cols])
    st = out.create_sheet("统计")
    for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])):  # duban: blank statuses (None) occur
        st.append([k, v])
    out.save(dst)
    print(len(rows), "rows")

if __name__ == "__main__":
    main()
