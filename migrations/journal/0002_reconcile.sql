-- Reconciliation (issue 12): qBittorrent can acknowledge an add and then forget it (killed before
-- it saved its resume data). A sent grab is therefore remembered until download tracking has seen
-- qBittorrent list it, and re-sent (at most a few times) if it never shows up.
ALTER TABLE operations ADD COLUMN sent_at INTEGER;                 -- unix ms qBittorrent last accepted it
ALTER TABLE operations ADD COLUMN seen_at INTEGER;                 -- unix ms tracking first saw it after that
ALTER TABLE operations ADD COLUMN awaiting INTEGER NOT NULL DEFAULT 0; -- 1: done, never seen yet
ALTER TABLE operations ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;  -- re-sent after being lost

-- What was done before this version is not second-guessed: the user may have removed it since.
UPDATE operations SET sent_at = updated_at WHERE state = 'done';

-- One operation per torrent while it is waiting, being sent, or sent but not yet seen in
-- qBittorrent: a second grab of the same info-hash joins the first instead of adding it again.
DROP INDEX operations_live_hash;
CREATE UNIQUE INDEX operations_live_hash ON operations (kind, info_hash)
    WHERE state IN ('pending', 'in_flight') OR (state = 'done' AND awaiting = 1);
