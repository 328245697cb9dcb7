package dev.sori.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import jakarta.websocket.Decoder;
import java.io.StringReader;
import java.util.Map;

/**
 * Decodes a client's text frame into a {@link ClientFrame}. It accepts every frame
 * ({@link #willDecode} is always true) and reports problems as {@link ClientFrame.Malformed},
 * so that the endpoint answers them with an {@code error} instead of the container treating
 * them as a failure of the session.
 *
 * <p>The envelope is read with the JSON-P parser that JSON-B itself runs on, because
 * {@code Jsonb.fromJson} stops after the first value and silently accepts trailing data
 * ({@code {"type":"x"} junk}); the parser insists on exactly one value. The payload stays a
 * {@link JsonValue} until the request's handler reads it ({@link Requests}).
 */
public final class ClientFrameDecoder implements Decoder.Text<ClientFrame> {
    public static final int MAX_ID_CHARS = 64;

    // Looking the provider up costs a service-loader scan; do it once.
    private static final JsonParserFactory PARSERS = JsonProvider.provider().createParserFactory(Map.of());

    @Override
    public ClientFrame decode(String text) {
        JsonValue root;
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                return badJson();
            }
            parser.next();
            root = parser.getValue();
            if (parser.hasNext()) {
                return badJson();
            }
        } catch (JsonParsingException | IllegalStateException | java.util.NoSuchElementException e) {
            return badJson();
        } catch (jakarta.json.JsonException e) { // I/O of the StringReader: cannot happen, but be total
            return badJson();
        } catch (RuntimeException e) {
            // Parsson refuses values nested over 1,000 levels with a plain RuntimeException ("Input is
            // too deeply nested"); a 6 KB frame of '[' reaches that. Found by ClientFrameFuzzTest:
            // uncaught, it reached @OnError as a bug of ours (1011 and a stack trace per frame).
            return badJson();
        }
        if (root.getValueType() != JsonValue.ValueType.OBJECT) {
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

    private static ClientFrame badJson() {
        return new ClientFrame.Malformed(ErrorCode.BAD_JSON, "the frame is not valid JSON", null);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
