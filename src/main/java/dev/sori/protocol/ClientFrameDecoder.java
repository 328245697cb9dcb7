package dev.sori.protocol;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import jakarta.websocket.Decoder;
import java.io.StringReader;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Decodes a client's text frame into a {@link ClientFrame} with JSON-P. It accepts every frame
 * ({@link #willDecode} is always true) and reports problems as {@link ClientFrame.Malformed},
 * so that the endpoint answers them with an {@code error} instead of the container treating
 * them as a failure of the session.
 */
public final class ClientFrameDecoder implements Decoder.Text<ClientFrame> {
    public static final int MAX_ID_CHARS = 64;

    private static final JsonParserFactory PARSERS = jakarta.json.Json.createParserFactory(Map.of());

    @Override
    public ClientFrame decode(String text) {
        JsonValue root;
        try {
            root = parse(text);
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            return new ClientFrame.Malformed(ErrorCode.BAD_JSON, "the frame is not valid JSON", null);
        }
        if (root == null || root.getValueType() != JsonValue.ValueType.OBJECT) {
            return new ClientFrame.Malformed(ErrorCode.BAD_ENVELOPE, "the frame must be a JSON object", null);
        }
        JsonObject envelope = root.asJsonObject();

        JsonValue idValue = envelope.get("id");
        String id = null;
        if (idValue != null && idValue.getValueType() != JsonValue.ValueType.NULL) {
            if (!(idValue instanceof JsonString idString)) {
                return new ClientFrame.Malformed(ErrorCode.BAD_ENVELOPE, "\"id\" must be a string", null);
            }
            id = idString.getString();
            if (id.length() > MAX_ID_CHARS) {
                // Echoing a huge id would let a client make the server write what it likes.
                return new ClientFrame.Malformed(ErrorCode.BAD_ENVELOPE,
                        "\"id\" must be at most " + MAX_ID_CHARS + " characters", null);
            }
        }

        JsonValue typeValue = envelope.get("type");
        if (!(typeValue instanceof JsonString typeString) || typeString.getString().isEmpty()) {
            return new ClientFrame.Malformed(ErrorCode.BAD_ENVELOPE, "\"type\" must be a non-empty string", id);
        }
        return new ClientFrame.Request(typeString.getString(), envelope.get("payload"), id);
    }

    /**
     * Exactly one JSON value and nothing after it but white space. (JSON-B's {@code fromJson} stops
     * after the first value and ignores the rest, so {@code {...}{...}} would lose its second half.)
     */
    private static JsonValue parse(String text) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) { // Parsson throws here instead; either way, refused
                throw new JsonParsingException("content after the JSON value", parser.getLocation());
            }
            return value;
        }
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
