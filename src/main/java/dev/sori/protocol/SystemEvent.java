package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * The payload of {@code system}: someone joined, left, was renamed, or was kicked or banned. {@code count} is the
 * number of connections in the room after the event; {@code old} is set for {@code nick} only.
 * {@code color} (the person's colour) is Sori's extension, so that member lists can stay coloured.
 *
 * <p>A coalesced {@code join} or {@code leave} (big rooms, see the protocol) names several people:
 * {@code nicks} instead of {@code nick}, and {@code colors} (same order) instead of {@code color};
 * {@code count} is after all of them. Null components are left out of the JSON. Protocol 1.1:
 * {@code uid} (or {@code uids}, in the order of {@code nicks}) names the identities, and
 * {@code people} is the number of distinct identities in the room after the event.
 */
@JsonbPropertyOrder({"room", "kind", "uid", "uids", "nick", "nicks", "old", "color", "colors", "count", "people", "ts"})
public record SystemEvent(String room, String kind, String uid, List<String> uids, String nick, List<String> nicks,
                          String old, String color, List<String> colors, int count, int people, long ts) {
    public static final String JOIN = "join";
    public static final String LEAVE = "leave";
    public static final String NICK = "nick";
    /** The room's owner (or the server's API key) removed someone; they may come back. */
    public static final String KICK = "kick";
    /** Removed and kept out until unbanned. */
    public static final String BAN = "ban";

    /** One person's event. */
    public static SystemEvent of(String room, String kind, String uid, String nick, String old, String color,
                                 int count, int people, long ts) {
        return new SystemEvent(room, kind, uid, null, nick, null, old, color, null, count, people, ts);
    }

    /** Several people's joins or leaves in one frame. */
    public static SystemEvent coalesced(String room, String kind, List<String> uids, List<String> nicks,
                                        List<String> colors, int count, int people, long ts) {
        return new SystemEvent(room, kind, null, uids, null, nicks, null, null, colors, count, people, ts);
    }
}
