package dev.sori.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rooms. {@code general} exists from the first migration and is {@linkplain StoredRoom#permanent
 * permanent}. Every method is a synchronous JDBC call in its own transaction: call them on a thread
 * that may block. Failures of the database are {@link StoreUnavailableException}s.
 */
public interface RoomStore {

    /** The id of the room every connection starts in. */
    String GENERAL = "general";

    /**
     * Creates a room with no messages.
     *
     * @throws StoreConflictException   when the id is taken
     * @throws IllegalArgumentException when the owner identity does not exist
     */
    StoredRoom create(NewRoom room);

    Optional<StoredRoom> find(String id);

    /** Every room, oldest first. */
    List<StoredRoom> list();

    /**
     * Deletes a room and its whole history at once (one transaction). Appends to it that are still
     * queued fail with {@link NoSuchRoomException}.
     *
     * @return false when there is no such room, or it is permanent
     */
    boolean delete(String id);

    /** Keeps {@code uid} out of room {@code id} (again: nothing changes). */
    void ban(String id, String uid, String byNick);

    /** Lets {@code uid} into room {@code id} again. */
    void unban(String id, String uid);

    /** Every room's banned uids, by room id. */
    Map<String, Set<String>> bans();

    /** The room has members again: clears its emptied time, so it is not removed as empty. */
    void markOccupied(String id);

    /**
     * The room's last member left: records now as its emptied time, unless it was already empty.
     * (With several nodes, only call it when no node has members there.)
     */
    void markEmptied(String id);

    /**
     * Removes, with their histories, the non-permanent rooms that have been empty since before
     * {@code cutoff}.
     *
     * @return the ids of the rooms removed, for announcing {@code room_removed}
     */
    List<String> removeEmptiedBefore(Instant cutoff);

    /**
     * Deletes one room with its history if it is still empty since before {@code cutoff}: with
     * several nodes, someone may have entered it on another node since this one looked.
     *
     * @return whether it was deleted
     */
    boolean deleteIfEmptiedBefore(String id, Instant cutoff);
}
