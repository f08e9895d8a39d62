-- Indexers, download clients and the metadata key added through the API (`/api/v3/indexer`,
-- `/api/v3/downloadclient`, `/api/v1/settings/tmdb`). `kind` is indexer, downloadclient or
-- metadata; `data` is the provider's settings (implementation, flags, priority, tags, fields).
-- Providers from the config file or the environment are not stored here.
CREATE TABLE providers (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    data JSONB NOT NULL,
    UNIQUE (kind, name)
);
