package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * room-info: what the lobby shows of a room. {@code max} is null when the room has no capacity
 * limit; {@code count} counts connections, {@code people} identities; {@code owner} is the owner's current nickname, null for {@code general}. Unlike other
 * payloads, its nulls are written out: the protocol lists all six fields. {@code ownerUid} (Sori's
 * extension, for moderation) is the owner's public id, so a client knows whose room it is.
 */
@JsonbNillable
@JsonbPropertyOrder({"room", "title", "count", "people", "max", "locked", "owner", "ownerUid"})
public record RoomInfo(String room, String title, int count, int people, Integer max, boolean locked, String owner,
                       String ownerUid) {
}
