package dev.sori.http;

import dev.sori.chat.Hub;
import dev.sori.protocol.Json;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The body of {@code GET /healthz}. */
@JsonbPropertyOrder({"status", "version", "connections", "uptimeSeconds"})
public record Health(String status, String version, int connections, long uptimeSeconds) {

    public static String json(Hub hub, String version) {
        return Json.write(new Health("ok", version, hub.connectionCount(), hub.uptime().toSeconds()));
    }
}
