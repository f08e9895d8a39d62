-- Quality definitions (per-quality size limits, one row per changed quality; qualities without a
-- row keep Radarr's defaults) and custom formats (Radarr's CustomFormatResource as JSON).
CREATE TABLE quality_definitions (
    quality_id BIGINT PRIMARY KEY,
    data JSONB NOT NULL
);

CREATE TABLE custom_formats (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    data JSONB NOT NULL
);
