package dev.sori.http;

import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.ServerFrame;
import java.io.IOException;

/** An HTTP refusal as the protocol shapes it: a status and {@code {"code","message"}}. */
final class Problem {
    private Problem() {
    }

    static void respond(HttpExchange exchange, int status, ErrorCode code, String message) throws IOException {
        exchange.header("Cache-Control", "no-store");
        exchange.respond(status, "application/json", Json.write(new ServerFrame.ErrorPayload(code.wireName(), message)));
    }
}
