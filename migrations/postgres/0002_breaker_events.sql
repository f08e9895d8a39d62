-- Circuit-breaker transitions, so the event history survives a restart.
-- `at` stays TEXT: the breaker hands over an already formatted timestamp and expects it back verbatim.
CREATE TABLE breaker_events (
    id BIGSERIAL PRIMARY KEY,
    service TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);

-- Small key/value settings that belong to the data, not to the config file.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
