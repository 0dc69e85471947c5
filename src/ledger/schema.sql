-- 督办台账 (the ledger), schema version 2: every round the office has run, the catalog each
-- was merged with, every return it read, every row as read, every task's judgement and every
-- issue. Written only by duban, one transaction per round merged; any SQLite tool may read
-- it. A version-1 ledger is brought to version 2 when opened (migrate_v2.sql).

-- Each catalog (任务清单.toml) a merge ran with, once per distinct text.
CREATE TABLE catalogs (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,   -- of the text below
    toml        TEXT NOT NULL,          -- the catalog as duban writes it
    recorded_at TEXT NOT NULL           -- RFC 3339, first merge that used it
);

CREATE TABLE rounds (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,   -- 2020年第一季度
    seq         INTEGER NOT NULL UNIQUE, -- order of the rounds, from 1
    deadline    TEXT,                   -- YYYY-MM-DD
    as_of       TEXT,                   -- YYYY-MM-DD, 序时进度's date when not the round's end
    created_at  TEXT NOT NULL,          -- RFC 3339
    merged_at   TEXT,                   -- RFC 3339, the last merge recorded
    schedule    REAL,                   -- 序时进度 in percent
    summary     TEXT,                   -- the last merge's <期次>_汇总.json, whole
    catalog_id  INTEGER REFERENCES catalogs(id), -- the catalog in force for the round
    merge_serial INTEGER,                -- the ledger's count of merges when this one was made
    bulletin_number TEXT                 -- 期号 of the round's 通报, e.g. 第1期
);
CREATE UNIQUE INDEX rounds_bulletin_number ON rounds(bulletin_number);

CREATE TABLE returns (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    path          TEXT NOT NULL,        -- as the reports name it (ARCHIVE.zip!inner for members)
    sha256        TEXT,
    unit          TEXT,                 -- canonical name, when identified
    received_at   TEXT,                 -- RFC 3339, from the mailbox's receipts
    saved_at      TEXT,                 -- the workbook's own saved time, as recorded
    verdict       TEXT NOT NULL,        -- accepted | rejected
    superseded_by TEXT,
    late          INTEGER               -- 1 arrived after the deadline, 0 on time, NULL unknown
);
CREATE INDEX returns_round ON returns(round_id);

CREATE TABLE rows (
    return_id  INTEGER NOT NULL REFERENCES returns(id) ON DELETE CASCADE,
    round_id   INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit       TEXT NOT NULL,
    task       INTEGER NOT NULL,
    role       TEXT,                    -- 主办 | 协办
    status     TEXT,                    -- 已完成 | 序时推进 | 滞后 | 未启动
    percent    REAL,
    progress   TEXT NOT NULL,
    problems   TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    remarks    TEXT NOT NULL,
    sheet      TEXT NOT NULL,
    row        INTEGER NOT NULL
);
CREATE INDEX rows_round ON rows(round_id);
-- No index on (unit, task): kept up on every merge it cost more than a tenth of the merge,
-- and duban's queries of a unit go through unit_states. A query of one unit's rows over
-- the year reads the table through (a fraction of a second for a city's year).
-- Deleting a return looks up its rows and issues (the foreign keys): without these, a
-- round merged again costs the returns times every row of the year.
CREATE INDEX rows_return ON rows(return_id);

CREATE TABLE task_states (
    round_id  INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    task      INTEGER NOT NULL,
    status    TEXT NOT NULL,            -- the derived status, 未报送/退回重报/已办结 included
    percent   REAL,
    colour    TEXT NOT NULL,            -- 蓝 | 黄 | 红
    behind    INTEGER NOT NULL,         -- 疑似滞后
    PRIMARY KEY (round_id, task)
);
CREATE INDEX task_states_task ON task_states(task);

CREATE TABLE unit_states (
    round_id     INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL,         -- 已通过 | 已报送未通过 | 未报送
    file         TEXT,                  -- the return that stands
    reported_at  TEXT,                  -- RFC 3339: when it arrived, else when it was saved
    time_source  TEXT,                  -- 收件 | 保存时间, where reported_at came from
    late         INTEGER,               -- 1 late, 0 on time, NULL unknown or not reported
    PRIMARY KEY (round_id, unit)
);
CREATE INDEX unit_states_unit ON unit_states(unit);

CREATE TABLE issues (
    return_id INTEGER NOT NULL REFERENCES returns(id) ON DELETE CASCADE,
    round_id  INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    severity  TEXT NOT NULL,
    sheet     TEXT,
    cell      TEXT,
    row       INTEGER,
    task      INTEGER,
    message   TEXT NOT NULL,
    fix       TEXT NOT NULL
);
CREATE INDEX issues_round ON issues(round_id);
CREATE INDEX issues_return ON issues(return_id);

-- 办结 and its undoing, kept as events: a task is closed for a round when the last event
-- recorded before that round was created is a close.
CREATE TABLE task_events (
    id         INTEGER PRIMARY KEY,
    task       INTEGER NOT NULL,
    action     TEXT NOT NULL,           -- close | reopen
    after_seq  INTEGER NOT NULL,        -- the latest round's seq when it was done (0: none yet)
    note       TEXT NOT NULL,
    at         TEXT NOT NULL            -- RFC 3339
);
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
