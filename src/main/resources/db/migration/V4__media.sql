-- Sori schema 4: images and GIFs (protocol 1.1, "Images and GIFs").
--
-- media: one row per distinct image, named by the SHA-256 of its bytes, so the same file
-- uploaded twice is kept once. Its bytes are a file under the data directory with the embedded
-- database, and a media_content row on a server database, so that every node of a cluster
-- serves every image.
-- media_uploads: who uploaded what, and when: an identity may post only its own uploads, and an
-- upload never posted is removed after a day.
-- media_posts: which messages carry an image. An image no message carries is removed: at once
-- once it has been posted (media.posted), else a day after its last upload. Deleting a room
-- deletes its messages, and so these rows.
-- A message keeps a copy of its image's description (media_*), which never changes, so that
-- history needs no join.

CREATE TABLE media (
    id         VARCHAR(64) NOT NULL,   -- SHA-256 of the bytes, lowercase hex
    type       VARCHAR(32) NOT NULL,   -- MIME type detected from the bytes
    width      INTEGER     NOT NULL,
    height     INTEGER     NOT NULL,
    bytes      BIGINT      NOT NULL,
    created_at BIGINT      NOT NULL,
    posted     BOOLEAN     DEFAULT FALSE NOT NULL,  -- since its last upload
    CONSTRAINT media_pk PRIMARY KEY (id)
);

CREATE TABLE media_content (
    media_id VARCHAR(64) NOT NULL,
    content  BYTEA       NOT NULL,
    CONSTRAINT media_content_pk PRIMARY KEY (media_id),
    CONSTRAINT media_content_media_fk FOREIGN KEY (media_id) REFERENCES media (id) ON DELETE CASCADE
);

CREATE TABLE media_uploads (
    owner_id    VARCHAR(64) NOT NULL,
    media_id    VARCHAR(64) NOT NULL,
    uploaded_at BIGINT      NOT NULL,
    CONSTRAINT media_uploads_pk PRIMARY KEY (owner_id, media_id),
    CONSTRAINT media_uploads_media_fk FOREIGN KEY (media_id) REFERENCES media (id) ON DELETE CASCADE
);

CREATE INDEX media_uploads_media_idx ON media_uploads (media_id);
CREATE INDEX media_uploads_time_idx ON media_uploads (uploaded_at);

ALTER TABLE messages ADD COLUMN media_id VARCHAR(64);
ALTER TABLE messages ADD COLUMN media_type VARCHAR(32);
ALTER TABLE messages ADD COLUMN media_width INTEGER;
ALTER TABLE messages ADD COLUMN media_height INTEGER;
ALTER TABLE messages ADD COLUMN media_bytes BIGINT;

CREATE TABLE media_posts (
    media_id VARCHAR(64) NOT NULL,
    room_id  VARCHAR(64) NOT NULL,
    seq      BIGINT      NOT NULL,
    CONSTRAINT media_posts_pk PRIMARY KEY (room_id, seq),
    CONSTRAINT media_posts_message_fk FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
);

CREATE INDEX media_posts_media_idx ON media_posts (media_id);
