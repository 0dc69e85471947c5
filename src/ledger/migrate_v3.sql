-- Version 2 → 3: what the office did to chase a round's units and tasks — reminders by
-- stage, 催办通知单, 督办单 — each at most once per round, unit (or task) and stage.
CREATE TABLE chases (
    id        INTEGER PRIMARY KEY,
    round_id  INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit      TEXT NOT NULL,           -- the unit chased (canonical name)
    stage     TEXT NOT NULL,           -- 提醒（前3天）| 催报 | 催办通知单 | 退回 | 督办单 …
    on_date   TEXT NOT NULL,           -- the office's day it was done, YYYY-MM-DD
    outcome   TEXT NOT NULL,           -- 已发送 | 已写出 …
    number    TEXT,                    -- a document's number: 督办催〔2020〕1号
    at        TEXT NOT NULL,           -- RFC 3339
    UNIQUE (round_id, unit, stage)
);
CREATE INDEX chases_unit ON chases(unit);
