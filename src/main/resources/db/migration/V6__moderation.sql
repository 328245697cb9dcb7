-- Sori schema 6: moderation (protocol 1.1, "Moderation").
--
-- A deleted message stays as a tombstone (its seq keeps its place, so history and recovery still
-- count every message): deleted, its body emptied and its image's description cleared.
-- room_bans: who is kept out of which room, by public uid (what moderators and clients see;
-- the identity's id cannot be read back from it). Bans go with their room.

ALTER TABLE messages ADD COLUMN deleted BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE room_bans (
    room_id    VARCHAR(64) NOT NULL,
    uid        VARCHAR(32) NOT NULL,
    by_nick    VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL,
    CONSTRAINT room_bans_pk PRIMARY KEY (room_id, uid),
    CONSTRAINT room_bans_room_fk FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE
);
