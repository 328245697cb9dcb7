package dev.sori.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import java.util.List;

/**
 * The payloads of client requests. Object payloads are bound to records with JSON-B; each misfit
 * becomes {@code invalid_argument}.
 */
public final class Requests {
    private Requests() {
    }

    /**
     * The payload of {@code new_message}: either the seed form, a bare string, or
     * {@code {"text", "room"?, "cid"?, "echo"?, "media"?}} (protocol 1.1: {@code cid} makes a
     * resend harmless, {@code echo: false} spares the sending connection its own message,
     * {@code media} names an upload, and {@code text} is then an optional caption).
     */
    public record NewMessage(String text, String room, String cid, boolean echo, String media) {
        /** A media id: the 64 lowercase hex digits of a SHA-256. */
        private static final java.util.regex.Pattern MEDIA_ID = java.util.regex.Pattern.compile("[0-9a-f]{64}");

        /** A cid: 1-64 characters of {@code [A-Za-z0-9_-]}. */
        private static final java.util.regex.Pattern CID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

        public static NewMessage from(JsonValue payload) {
            if (payload instanceof JsonString s) {
                return new NewMessage(s.getString(), null, null, true, null);
            }
            if (payload instanceof JsonObject o) {
                String cid = optionalString(o, "cid");
                if (cid != null && !CID.matcher(cid).matches()) {
                    throw ProtocolException.invalidArgument("\"cid\" must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
                }
                String media = optionalString(o, "media");
                if (media == null) {
                    return new NewMessage(requiredString(o, "text"), optionalString(o, "room"), cid,
                            optionalBoolean(o, "echo", true), null);
                }
                if (!MEDIA_ID.matcher(media).matches()) {
                    // Not an id any upload could have: as unknown as any other.
                    throw new ProtocolException(ErrorCode.NOT_FOUND, "no such media");
                }
                return new NewMessage(optionalString(o, "text"), optionalString(o, "room"), cid,
                        optionalBoolean(o, "echo", true), media);
            }
            throw ProtocolException.invalidArgument(
                    "payload must be a string or {\"text\", \"room\"?, \"cid\"?, \"echo\"?, \"media\"?}");
        }
    }

    /**
     * The body of {@code POST /api/rooms/{room}/messages}: {@code {"text", "nick"?, "cid"?,
     * "media"?}}, {@code text} optional (a caption) when {@code media} names an image.
     */
    /**
     * The body of {@code POST /api/rooms/{room}/moderation}: {@code type} ({@code kick},
     * {@code ban}, {@code unban}, {@code delete_message}) with the payload of that request,
     * {@code uid} or {@code seq}.
     */
    public record Moderate(String type, String uid, Long seq) {
        public static Moderate from(JsonValue body) {
            if (!(body instanceof JsonObject o)) {
                throw ProtocolException.invalidArgument("the body must be {\"type\", \"uid\"?, \"seq\"?}");
            }
            String type = requiredString(o, "type");
            if (!List.of("kick", "ban", "unban", "delete_message").contains(type)) {
                throw ProtocolException.invalidArgument("\"type\" must be kick, ban, unban or delete_message");
            }
            JsonValue seq = o.get("seq");
            if (seq != null && !(seq instanceof jakarta.json.JsonNumber n && n.isIntegral())) {
                throw ProtocolException.invalidArgument("\"seq\" must be a message's seq");
            }
            return new Moderate(type, optionalString(o, "uid"),
                    seq == null ? null : ((jakarta.json.JsonNumber) seq).longValue());
        }
    }

    public record Publish(String text, String nick, String cid, String media) {
        public static Publish from(JsonValue body) {
            if (!(body instanceof JsonObject o)) {
                throw ProtocolException.invalidArgument("the body must be {\"text\", \"nick\"?, \"cid\"?, \"media\"?}");
            }
            String cid = optionalString(o, "cid");
            if (cid != null && !NewMessage.CID.matcher(cid).matches()) {
                throw ProtocolException.invalidArgument("\"cid\" must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
            }
            String media = optionalString(o, "media");
            if (media != null && !NewMessage.MEDIA_ID.matcher(media).matches()) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "no such media");
            }
            String text = media == null ? requiredString(o, "text") : optionalString(o, "text");
            return new Publish(text, optionalString(o, "nick"), cid, media);
        }
    }

    /** {@code join}: {@code since} is the last seq the client saw. */
    public record Join(String room, String password, Long since) {
    }

    /** {@code create_room}. */
    public record CreateRoom(String title, Integer max, String password) {
    }

    /** {@code history}: messages before {@code before} (exclusive), at most {@code limit}. */
    public record History(String room, Long before, Integer limit) {
    }

    /** {@code kick}, {@code ban} and {@code unban}: someone, by public uid, in a room. */
    public record MemberRef(String room, String uid) {
    }

    /** {@code delete_message}: a message, by its seq in its room. */
    public record MessageRef(String room, Long seq) {
    }

    /** {@code leave}, {@code delete_room} and {@code typing}: just a room. */
    public record RoomRef(String room) {
    }

    /** The payload of {@code nickname}: a string (an object {@code {"nick"}} is accepted too). */
    public static String nickname(JsonValue payload) {
        if (payload instanceof JsonString s) {
            return s.getString();
        }
        if (payload instanceof JsonObject o) {
            return requiredString(o, "nick");
        }
        throw ProtocolException.invalidArgument("payload must be the nickname as a string");
    }

    /**
     * Binds an object payload to {@code type} with JSON-B. Fields are checked for their JSON type
     * first, so that {@code "room": 5} is refused instead of being coerced to {@code "5"}.
     */
    public static <T extends Record> T bind(JsonValue payload, Class<T> type) {
        if (!(payload instanceof JsonObject object)) {
            throw ProtocolException.invalidArgument("payload must be an object " + shape(type));
        }
        for (var component : type.getRecordComponents()) {
            JsonValue value = object.get(component.getName());
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                continue;
            }
            boolean fits = component.getType() == String.class
                    ? value.getValueType() == JsonValue.ValueType.STRING
                    : value.getValueType() == JsonValue.ValueType.NUMBER;
            if (!fits) {
                throw ProtocolException.invalidArgument("\"" + component.getName() + "\" must be a "
                        + (component.getType() == String.class ? "string" : "number"));
            }
        }
        try {
            return Json.jsonb().fromJson(object.toString(), type);
        } catch (JsonbException e) {
            throw ProtocolException.invalidArgument("payload must be " + shape(type));
        }
    }

    /** The room named in a payload, required. */
    public static String requiredRoom(String room) {
        if (room == null || room.isEmpty()) {
            throw ProtocolException.invalidArgument("\"room\" is required");
        }
        return room;
    }

    private static String shape(Class<? extends Record> type) {
        StringBuilder sb = new StringBuilder("{");
        for (var component : type.getRecordComponents()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(component.getName()).append('"');
        }
        return sb.append('}').toString();
    }

    static String requiredString(JsonObject o, String name) {
        String value = optionalString(o, name);
        if (value == null) {
            throw ProtocolException.invalidArgument("\"" + name + "\" is required");
        }
        return value;
    }

    static boolean optionalBoolean(JsonObject o, String name, boolean absent) {
        JsonValue v = o.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return absent;
        }
        if (v.getValueType() == JsonValue.ValueType.TRUE || v.getValueType() == JsonValue.ValueType.FALSE) {
            return v.getValueType() == JsonValue.ValueType.TRUE;
        }
        throw ProtocolException.invalidArgument("\"" + name + "\" must be true or false");
    }

    static String optionalString(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw ProtocolException.invalidArgument("\"" + name + "\" must be a string");
    }
}
