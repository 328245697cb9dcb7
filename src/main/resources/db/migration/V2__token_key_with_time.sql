-- Sori schema 2: room for the token's creation time in front of its hash.
--
-- Tokens made from now on start with ten characters of creation time (as identity ids do), and
-- token_hash stores them before the SHA-256 (74 characters), so that new identities append to the
-- token_hash index instead of landing on a random page of it. Tokens of the earlier layout keep
-- their bare 64-character hash. See dev.sori.store.TokenHashes.

ALTER TABLE identities ALTER COLUMN token_hash SET DATA TYPE VARCHAR(80);
