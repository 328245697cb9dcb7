-- Sori schema 5: messages posted by programs through the HTTP API (protocol, "Server push over
-- HTTP"). They carry the nickname the program gave and are shown as a bot's, in history too.

ALTER TABLE messages ADD COLUMN bot BOOLEAN DEFAULT FALSE NOT NULL;
