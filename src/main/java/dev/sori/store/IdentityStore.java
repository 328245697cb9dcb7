package dev.sori.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Identities that outlive the process: nickname, colour and room ownership belong to them. Tokens
 * are stored only as SHA-256 hashes (they are long random secrets, so a fast hash suffices) and
 * are found by hashing the presented token. Every method is a synchronous JDBC call: call them on
 * a thread that may block. Failures of the database are {@link StoreUnavailableException}s.
 */
public interface IdentityStore {

    /** The identity the token resumes, if any. */
    Optional<StoredIdentity> findByToken(String token);

    Optional<StoredIdentity> find(String id);

    /**
     * Stores a new identity, created and last seen now.
     *
     * @throws StoreConflictException when the id or the token is taken
     */
    StoredIdentity create(NewIdentity identity);

    /**
     * Stores new identities in one transaction: all of them or, on any failure, none. One commit
     * for many identities is what makes a burst of anonymous connections cheap.
     *
     * @return them as stored, in the order given
     * @throws StoreConflictException when an id or a token is taken (then none is stored)
     */
    List<StoredIdentity> createAll(List<NewIdentity> identities);

    /** @return false when there is no such identity */
    boolean rename(String id, String nick);

    /** Records that the identity is in use now. */
    void seen(String id);

    /**
     * Forgets identities last seen before {@code cutoff} that own no room, so that a stream of
     * one-off connections does not grow the table forever.
     *
     * @return how many were forgotten
     */
    int forgetUnseenSince(Instant cutoff);
}
