package dev.sori.http;

import dev.sori.protocol.Json;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The body of {@code GET /readyz}: {@code {"status":"ready"}}, or
 * {@code {"status":"unavailable","reason":"…"}}.
 */
@JsonbPropertyOrder({"status", "reason"})
public record Ready(String status, String reason) {

    /** The body for a readiness problem, null when ready. */
    public static String json(String problem) {
        return Json.write(problem == null ? new Ready("ready", null) : new Ready("unavailable", problem));
    }
}
