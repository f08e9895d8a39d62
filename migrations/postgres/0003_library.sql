-- The movie library: movies with their TMDB metadata, files, profiles, folders, tags,
-- history, commands and the blocklist. Structured JSON lives in JSONB columns, tag ids in BIGINT[].
CREATE TABLE quality_profiles (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    data JSONB NOT NULL
);

CREATE TABLE root_folders (
    id BIGSERIAL PRIMARY KEY,
    path TEXT NOT NULL UNIQUE
);

-- Labels are unique regardless of case, like SQLite's COLLATE NOCASE.
CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    label TEXT NOT NULL
);
CREATE UNIQUE INDEX tags_label_lower ON tags (lower(label));

CREATE TABLE movies (
    id BIGSERIAL PRIMARY KEY,
    tmdb_id BIGINT NOT NULL UNIQUE,
    imdb_id TEXT,
    title TEXT NOT NULL,
    year INTEGER NOT NULL DEFAULT 0,
    monitored BOOLEAN NOT NULL DEFAULT TRUE,
    minimum_availability TEXT NOT NULL DEFAULT 'released',
    quality_profile_id BIGINT NOT NULL REFERENCES quality_profiles(id),
    root_folder_path TEXT NOT NULL,
    path TEXT NOT NULL,
    tags BIGINT[] NOT NULL DEFAULT '{}',
    added TIMESTAMPTZ NOT NULL,
    metadata JSONB NOT NULL DEFAULT '{}',
    last_info_sync TIMESTAMPTZ
);
CREATE INDEX movies_imdb_id ON movies(imdb_id);
CREATE INDEX movies_quality_profile_id ON movies(quality_profile_id);

CREATE TABLE movie_files (
    id BIGSERIAL PRIMARY KEY,
    movie_id BIGINT NOT NULL UNIQUE REFERENCES movies(id) ON DELETE CASCADE,
    relative_path TEXT NOT NULL,
    size BIGINT NOT NULL,
    quality JSONB NOT NULL,
    release_group TEXT,
    edition TEXT,
    date_added TIMESTAMPTZ NOT NULL
);

CREATE TABLE history (
    id BIGSERIAL PRIMARY KEY,
    movie_id BIGINT REFERENCES movies(id) ON DELETE SET NULL,
    event_type TEXT NOT NULL,
    source_title TEXT NOT NULL,
    quality JSONB NOT NULL DEFAULT '{}',
    download_id TEXT,
    date TIMESTAMPTZ NOT NULL,
    data JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX history_movie ON history(movie_id, id DESC);

CREATE TABLE commands (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    body JSONB NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    trigger_kind TEXT NOT NULL DEFAULT 'manual',
    message TEXT,
    queued_at TIMESTAMPTZ NOT NULL,
    started_at TIMESTAMPTZ,
    ended_at TIMESTAMPTZ
);

CREATE TABLE blocklist (
    id BIGSERIAL PRIMARY KEY,
    movie_id BIGINT REFERENCES movies(id) ON DELETE CASCADE,
    source_title TEXT NOT NULL,
    guid TEXT,
    info_hash TEXT,
    reason TEXT NOT NULL,
    date TIMESTAMPTZ NOT NULL
);
CREATE INDEX blocklist_movie ON blocklist(movie_id);
