package dev.sori.chat;

import java.util.function.LongSupplier;

/**
 * Everything the chat keeps beyond a connection: messages, rooms and identities. In memory by
 * default; {@code dev.sori.store} provides the database-backed set.
 */
public record ChatStorage(MessageLog messages, RoomCatalog rooms, IdentityCatalog identities) {

    /** The last {@code historyPerRoom} messages of each room in memory; nothing survives a restart. */
    public static ChatStorage inMemory(int historyPerRoom, LongSupplier clock) {
        return new ChatStorage(new MemoryMessageLog(historyPerRoom, clock), RoomCatalog.NONE, IdentityCatalog.NONE);
    }
}
