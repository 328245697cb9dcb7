package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * room-info: what the lobby shows of a room. {@code max} is null when the room has no capacity
 * limit; {@code owner} is the owner's current nickname, null for {@code general}. Unlike other
 * payloads, its nulls are written out: the protocol lists all six fields.
 */
@JsonbNillable
@JsonbPropertyOrder({"room", "title", "count", "max", "locked", "owner"})
public record RoomInfo(String room, String title, int count, Integer max, boolean locked, String owner) {
}
