-- Leases for background work that must run on one crest instance at a time (the trash and session
-- sweep, the relay's durability barrier): the work's name, the id of the instance that holds it,
-- and the time (milliseconds since the epoch, by the holder's clock) the lease runs until. A
-- lease whose until_ms has passed may be taken by another instance; a holder that stops deletes
-- its row.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms BIGINT NOT NULL
);
