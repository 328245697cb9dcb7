package dev.sori.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Reading the payloads of client requests, with an {@code invalid_argument} for each misfit. */
public final class Requests {
    private Requests() {
    }

    /**
     * The payload of {@code new_message}: either the seed form, a bare string, or
     * {@code {"text", "room"?}}.
     */
    public record NewMessage(String text, String room) {
        public static NewMessage from(JsonValue payload) {
            if (payload instanceof JsonString s) {
                return new NewMessage(s.getString(), null);
            }
            if (payload instanceof JsonObject o) {
                return new NewMessage(requiredString(o, "text"), optionalString(o, "room"));
            }
            throw ProtocolException.invalidArgument("payload must be a string or {\"text\", \"room\"?}");
        }
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

    static String requiredString(JsonObject o, String name) {
        String value = optionalString(o, name);
        if (value == null) {
            throw ProtocolException.invalidArgument("\"" + name + "\" is required");
        }
        return value;
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
