package dev.sori.chat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where created rooms outlive the process. The {@link Lobby} keeps every room in memory and
 * tells the catalog what changes; it reads the catalog once, at start-up. {@code general} is
 * never in it. Nothing but {@link #load} blocks the caller.
 */
public interface RoomCatalog {

    /** Keeps nothing: rooms last as long as the process. */
    RoomCatalog NONE = new RoomCatalog() {
        @Override
        public List<Saved> load() {
            return List.of();
        }

        @Override
        public CompletionStage<Void> create(Saved room) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> delete(String id) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void occupied(String id) {
        }

        @Override
        public void emptied(String id) {
        }

        @Override
        public CompletionStage<List<Saved>> refresh() {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Boolean> deleteIfEmptiedBefore(String id, long cutoffMillis) {
            return CompletableFuture.completedFuture(true);
        }
    };

    /** Every room's bans (room id to banned uids), at start-up; blocking, like {@link #load}. */
    default Map<String, Set<String>> loadBans() {
        return Map.of();
    }

    /** Every room's bans now, for the sweep of a node whose bus may have lost a ban. */
    default CompletionStage<Map<String, Set<String>>> refreshBans() {
        return CompletableFuture.completedFuture(Map.of());
    }

    /** Keeps the identity of public id {@code uid} out of {@code room}; completes once durable. */
    default CompletionStage<Void> ban(String room, String uid, String byNick) {
        return CompletableFuture.completedFuture(null);
    }

    /** Lets {@code uid} into {@code room} again; completes once durable. */
    default CompletionStage<Void> unban(String room, String uid) {
        return CompletableFuture.completedFuture(null);
    }

    /** Every saved room, at start-up. */
    List<Saved> load();

    /**
     * Every room as the catalog has it now, {@code general} included (with its last seq), read
     * off the caller's thread: what other nodes created, deleted and stored since.
     */
    CompletionStage<List<Saved>> refresh();

    /** Saves a new room; fails with {@link UnavailableException} when it could not. */
    CompletionStage<Void> create(Saved room);

    /** Deletes a room with its history. */
    CompletionStage<Void> delete(String id);

    /**
     * Deletes a room with its history only if the catalog says it has been empty since before
     * {@code cutoffMillis} (see {@link #emptied}): with several nodes, someone may have entered
     * it on another one. Completes with whether it was deleted.
     */
    CompletionStage<Boolean> deleteIfEmptiedBefore(String id, long cutoffMillis);

    /** Someone entered the empty room: best effort, for the removal of empty rooms. */
    void occupied(String id);

    /** The last member left: best effort, for the removal of empty rooms after a restart. */
    void emptied(String id);

    /**
     * A room as the catalog keeps it.
     *
     * @param emptiedAt epoch millis since when it has been empty, 0 when it had members
     * @param lastSeq   its last message's seq
     */
    record Saved(String id, String title, Integer max, String passwordHash, String ownerId, String ownerNick,
                 long emptiedAt, long lastSeq) {
    }
}
