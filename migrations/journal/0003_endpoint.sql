-- Failover endpoints (issue 17): several qBittorrent download clients may be in use, in priority
-- order. An operation records the client (its download-client id) it was last sent to: set before
-- the add goes out, so a send whose outcome is unknown (timeout, crash) is settled on that same
-- client and never sent to a second one; kept once it is done, so status, removal and
-- reconciliation talk to the client that has it. NULL: never sent anywhere, or sent before this
-- version (then it is the primary client's, the only one there was).
ALTER TABLE operations ADD COLUMN endpoint INTEGER;
