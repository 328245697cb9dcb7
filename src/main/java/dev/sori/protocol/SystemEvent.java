package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The payload of {@code system}: someone joined, left or was renamed. {@code count} is the
 * number of connections in the room after the event; {@code old} is set for {@code nick} only.
 * {@code color} (the person's colour) is Sori's extension, so that member lists can stay coloured.
 */
@JsonbPropertyOrder({"room", "kind", "nick", "old", "color", "count", "ts"})
public record SystemEvent(String room, String kind, String nick, String old, String color, int count, long ts) {
    public static final String JOIN = "join";
    public static final String LEAVE = "leave";
    public static final String NICK = "nick";
}
