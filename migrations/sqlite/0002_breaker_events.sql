-- Circuit-breaker transitions, so the event history survives a restart.
CREATE TABLE breaker_events (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX breaker_events_at ON breaker_events(id DESC);

-- Small key/value settings that belong to the data, not to the config file.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
