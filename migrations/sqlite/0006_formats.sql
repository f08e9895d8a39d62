-- Quality definitions (per-quality size limits, one row per changed quality; qualities without a
-- row keep Radarr's defaults) and custom formats (Radarr's CustomFormatResource as JSON).
CREATE TABLE quality_definitions (
    quality_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL
);

CREATE TABLE custom_formats (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
