-- Sori schema 1: identities, rooms, messages.
--
-- Portable SQL: this same file runs on the embedded H2 (default) and on PostgreSQL, with no
-- compatibility mode. Identifiers are never quoted (H2 folds them to upper case, PostgreSQL to
-- lower case; both match unquoted use). Times are epoch milliseconds in BIGINT, like the
-- protocol's ts, so neither database's time-zone handling is involved.

CREATE TABLE identities (
    id           VARCHAR(64)  NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL,   -- SHA-256 of the token, lowercase hex; never the token
    nick         VARCHAR(64)  NOT NULL,
    color        VARCHAR(32)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    last_seen_at BIGINT       NOT NULL,
    CONSTRAINT identities_pk PRIMARY KEY (id),
    CONSTRAINT identities_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX identities_last_seen_idx ON identities (last_seen_at);

CREATE TABLE rooms (
    id             VARCHAR(64)  NOT NULL,
    -- 1-64 characters, checked in Java by code point; H2 counts UTF-16 units, hence the room.
    title          VARCHAR(128) NOT NULL,
    max_members    INTEGER,                -- null: no limit
    password_hash  VARCHAR(255),           -- pbkdf2-sha256$iterations$salt$hash, null: open room
    owner_id       VARCHAR(64),
    permanent      BOOLEAN      DEFAULT FALSE NOT NULL,
    created_at     BIGINT       NOT NULL,
    last_active_at BIGINT       NOT NULL,
    emptied_at     BIGINT,                 -- null while occupied
    -- The seq of the room's latest message. Advanced in the transaction that inserts the
    -- messages it numbers, under this row's lock: the one source of seqs for every node.
    last_seq       BIGINT       DEFAULT 0 NOT NULL,
    CONSTRAINT rooms_pk PRIMARY KEY (id),
    CONSTRAINT rooms_owner_fk FOREIGN KEY (owner_id) REFERENCES identities (id) ON DELETE SET NULL,
    CONSTRAINT rooms_title_check CHECK (CHAR_LENGTH(title) >= 1),
    CONSTRAINT rooms_max_members_check CHECK (max_members IS NULL OR max_members >= 2),
    CONSTRAINT rooms_last_seq_check CHECK (last_seq >= 0)
);

CREATE INDEX rooms_owner_idx ON rooms (owner_id);

CREATE TABLE messages (
    room_id   VARCHAR(64)    NOT NULL,
    seq       BIGINT         NOT NULL,
    author_id VARCHAR(64),              -- no foreign key: history outlives forgotten identities
    nick      VARCHAR(64)    NOT NULL,  -- as the author was called when sending
    color     VARCHAR(32)    NOT NULL,
    body      VARCHAR(16384) NOT NULL,
    ts        BIGINT         NOT NULL,
    -- The unique key on (room, seq), and the index every history query walks.
    CONSTRAINT messages_pk PRIMARY KEY (room_id, seq),
    CONSTRAINT messages_room_fk FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE
);

INSERT INTO rooms (id, title, permanent, created_at, last_active_at, last_seq)
VALUES ('general', 'general', TRUE, 0, 0, 0);
