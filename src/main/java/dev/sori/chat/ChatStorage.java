package dev.sori.chat;

import java.util.function.LongSupplier;

/**
 * Everything the chat keeps beyond a connection: messages, rooms, identities and the uploads a
 * message may carry. In memory by default; {@code dev.sori.store} provides the database-backed set.
 */
public record ChatStorage(MessageLog messages, RoomCatalog rooms, IdentityCatalog identities, MediaCatalog media) {

    /** Storage without uploads: a message with media finds none. */
    public ChatStorage(MessageLog messages, RoomCatalog rooms, IdentityCatalog identities) {
        this(messages, rooms, identities, MediaCatalog.NONE);
    }

    /** The last {@code historyPerRoom} messages of each room in memory; nothing survives a restart. */
    public static ChatStorage inMemory(int historyPerRoom, LongSupplier clock) {
        return new ChatStorage(new MemoryMessageLog(historyPerRoom, clock), RoomCatalog.NONE, IdentityCatalog.NONE);
    }
}
