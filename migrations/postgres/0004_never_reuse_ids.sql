-- Kept in step with SQLite's migration 4 (ids never reused). PostgreSQL's serial/identity
-- sequences never hand out an id twice, so there is nothing to change here.
SELECT 1;
