-- Sori schema 3: posting exactly once (protocol 1.1, "cid").
--
-- A message keeps the client's id for it (cid), which history and the live event carry; and
-- message_cids remembers, per author, the cids stored in the last 24 hours, so that a message
-- sent again after a lost ack is answered with the original seq instead of being stored twice.
-- Only messages that carry a cid get a row there: posting without one costs nothing more.

ALTER TABLE messages ADD COLUMN cid VARCHAR(64);

CREATE TABLE message_cids (
    author_id  VARCHAR(64) NOT NULL,
    cid        VARCHAR(64) NOT NULL,
    room_id    VARCHAR(64) NOT NULL,
    seq        BIGINT      NOT NULL,
    created_at BIGINT      NOT NULL,
    CONSTRAINT message_cids_pk PRIMARY KEY (author_id, cid),
    CONSTRAINT message_cids_message_fk FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
);

CREATE INDEX message_cids_created_idx ON message_cids (created_at);
