-- reelarr: foreign_keys=off
-- Radarr never reuses an id, and Overseerr/Jellyseerr keep movie, profile, folder and tag ids:
-- a plain INTEGER PRIMARY KEY hands a deleted highest id to the next insert. Each table is rebuilt
-- with AUTOINCREMENT (SQLite's documented table rebuild, foreign keys off, checked before commit);
-- every existing row keeps its id.
CREATE TABLE quality_profiles_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
INSERT INTO quality_profiles_new (id, name, data) SELECT id, name, data FROM quality_profiles;
DROP TABLE quality_profiles;
ALTER TABLE quality_profiles_new RENAME TO quality_profiles;

CREATE TABLE root_folders_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE
);
INSERT INTO root_folders_new (id, path) SELECT id, path FROM root_folders;
DROP TABLE root_folders;
ALTER TABLE root_folders_new RENAME TO root_folders;

CREATE TABLE tags_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL UNIQUE COLLATE NOCASE
);
INSERT INTO tags_new (id, label) SELECT id, label FROM tags;
DROP TABLE tags;
ALTER TABLE tags_new RENAME TO tags;

CREATE TABLE movies_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO movies_new (id, tmdb_id, imdb_id, title, year, monitored, minimum_availability,
    quality_profile_id, root_folder_path, path, tags, added, metadata, last_info_sync)
SELECT id, tmdb_id, imdb_id, title, year, monitored, minimum_availability,
    quality_profile_id, root_folder_path, path, tags, added, metadata, last_info_sync
FROM movies;
DROP TABLE movies;
ALTER TABLE movies_new RENAME TO movies;
CREATE INDEX movies_imdb_id ON movies(imdb_id);
