-- Version 1 → 2: the catalog in force per round, the order of merges (a round built on an
-- older merge of an earlier round is stale), and the 通报's 期号 per round. Existing rounds
-- keep their records; their catalog is unknown (NULL) until they are merged again, and
-- their merges are numbered in the order they were made.
CREATE TABLE catalogs (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    toml        TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
ALTER TABLE rounds ADD COLUMN catalog_id INTEGER REFERENCES catalogs(id);
ALTER TABLE rounds ADD COLUMN merge_serial INTEGER;
ALTER TABLE rounds ADD COLUMN bulletin_number TEXT;
CREATE UNIQUE INDEX rounds_bulletin_number ON rounds(bulletin_number);
UPDATE rounds SET merge_serial = (
    SELECT COUNT(*) FROM rounds o
    WHERE o.merged_at IS NOT NULL
      AND (o.merged_at < rounds.merged_at OR (o.merged_at = rounds.merged_at AND o.seq <= rounds.seq))
) WHERE merged_at IS NOT NULL;
