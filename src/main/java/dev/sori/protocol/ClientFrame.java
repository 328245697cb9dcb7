package dev.sori.protocol;

import jakarta.json.JsonValue;

/**
 * What a client's text frame decodes to: either a well-formed {@link Request} or a
 * {@link Malformed} frame that is answered with an {@code error} and otherwise ignored.
 * Decoding never throws, so a bad frame can never take the connection down with it.
 */
public sealed interface ClientFrame {

    /** The reply id to echo, or {@code null} when the frame carried none (or an unusable one). */
    String id();

    /**
     * A syntactically valid envelope.
     *
     * @param type    the message type, not empty
     * @param payload the payload, {@link JsonValue#NULL} when absent
     * @param id      the client's correlation id, at most {@value ClientFrameDecoder#MAX_ID_CHARS} chars, or null
     */
    record Request(String type, JsonValue payload, String id) implements ClientFrame {
        public Request {
            if (payload == null) {
                payload = JsonValue.NULL;
            }
        }

        public boolean hasPayload() {
            return payload.getValueType() != JsonValue.ValueType.NULL;
        }
    }

    /** A frame that is not a usable envelope; {@code id} is echoed when it could be read. */
    record Malformed(ErrorCode code, String message, String id) implements ClientFrame {
    }
}
