package dev.sori.http;

import dev.sori.chat.Hub;
import dev.sori.protocol.Json;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The body of {@code GET /healthz}.
 *
 * @param cluster the node's view of its cluster; absent on a single node
 */
@JsonbPropertyOrder({"status", "version", "connections", "uptimeSeconds", "cluster"})
public record Health(String status, String version, int connections, long uptimeSeconds, Object cluster) {

    public static String json(Hub hub, String version) {
        return json(hub, version, null);
    }

    public static String json(Hub hub, String version, Object cluster) {
        return Json.write(new Health("ok", version, hub.connectionCount(), hub.uptime().toSeconds(), cluster));
    }
}
