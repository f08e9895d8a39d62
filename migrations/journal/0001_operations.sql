-- The qBittorrent retry journal: every download-client operation is written here before it is
-- attempted, and replayed from here until qBittorrent has it (or it is dead-lettered).
CREATE TABLE operations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('add')),
    info_hash       TEXT    NOT NULL,
    payload         TEXT    NOT NULL,          -- JSON: source, category, tags, save path, movie id
    torrent         BLOB,                      -- raw .torrent bytes for file grabs
    state           TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'in_flight', 'done', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0, -- failed attempts so far
    next_attempt_at INTEGER NOT NULL,           -- unix milliseconds
    last_error      TEXT,
    created_at      INTEGER NOT NULL,           -- unix milliseconds
    updated_at      INTEGER NOT NULL            -- unix milliseconds
);

-- One live operation per torrent: a second grab of the same info-hash joins the first.
CREATE UNIQUE INDEX operations_live_hash ON operations (kind, info_hash)
    WHERE state IN ('pending', 'in_flight');

-- The replayer's query: due pending operations in FIFO order.
CREATE INDEX operations_due ON operations (state, next_attempt_at, id);
CREATE INDEX operations_hash ON operations (info_hash);
