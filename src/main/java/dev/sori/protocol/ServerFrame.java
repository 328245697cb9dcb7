package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The envelope of every frame the server sends. A {@code null} payload or id is left out of
 * the JSON.
 */
@JsonbPropertyOrder({"type", "id", "payload"})
public record ServerFrame(String type, String id, Object payload) {

    public static ServerFrame event(String type, Object payload) {
        return new ServerFrame(type, null, payload);
    }

    public static ServerFrame ack(String id, Object payload) {
        return new ServerFrame("ack", id, payload);
    }

    public static ServerFrame error(String id, ErrorCode code, String message) {
        return new ServerFrame("error", id, new ErrorPayload(code.wireName(), message));
    }

    /** The payload of {@code error}. */
    public record ErrorPayload(String code, String message) {
    }
}
