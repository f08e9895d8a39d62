-- The movie library: movies with their TMDB metadata, files, profiles, folders, tags,
-- history, commands and the blocklist. Structured JSON lives in TEXT columns.
CREATE TABLE quality_profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);

CREATE TABLE root_folders (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE movies (
    id INTEGER PRIMARY KEY,
    tmdb_id INTEGER NOT NULL UNIQUE,
    imdb_id TEXT,
    title TEXT NOT NULL,
    year INTEGER NOT NULL DEFAULT 0,
    monitored INTEGER NOT NULL DEFAULT 1,
    minimum_availability TEXT NOT NULL DEFAULT 'released',
    quality_profile_id INTEGER NOT NULL REFERENCES quality_profiles(id),
    root_folder_path TEXT NOT NULL,
    path TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    added TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    last_info_sync TEXT
);
CREATE INDEX movies_imdb_id ON movies(imdb_id);

CREATE TABLE movie_files (
    id INTEGER PRIMARY KEY,
    movie_id INTEGER NOT NULL UNIQUE REFERENCES movies(id) ON DELETE CASCADE,
    relative_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    quality TEXT NOT NULL,
    release_group TEXT,
    edition TEXT,
    date_added TEXT NOT NULL
);

CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    movie_id INTEGER REFERENCES movies(id) ON DELETE SET NULL,
    event_type TEXT NOT NULL,
    source_title TEXT NOT NULL,
    quality TEXT NOT NULL DEFAULT '{}',
    download_id TEXT,
    date TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX history_movie ON history(movie_id, id DESC);
CREATE INDEX history_date ON history(id DESC);

CREATE TABLE commands (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    trigger_kind TEXT NOT NULL DEFAULT 'manual',
    message TEXT,
    queued_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT
);

CREATE TABLE blocklist (
    id INTEGER PRIMARY KEY,
    movie_id INTEGER REFERENCES movies(id) ON DELETE CASCADE,
    source_title TEXT NOT NULL,
    guid TEXT,
    info_hash TEXT,
    reason TEXT NOT NULL,
    date TEXT NOT NULL
);
CREATE INDEX blocklist_movie ON blocklist(movie_id);
