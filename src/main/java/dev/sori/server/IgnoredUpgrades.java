package dev.sori.server;

import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.server.Request;

/**
 * Plain HTTP for requests that offer an upgrade Sori does not do. The JDK's HTTP client, for
 * one, sends {@code Upgrade: h2c} with every HTTP/1.1 request; Grizzly treats any request with
 * an {@code Upgrade} header as upgraded and then writes the response without Content-Type or
 * Content-Length and closes the connection. Only WebSocket upgrades reach Tyrus; by the time a
 * request gets to an HTTP handler, its upgrade offer is to be declined, which in HTTP/1.1 means
 * answering it as if it had not been made.
 */
final class IgnoredUpgrades {
    private IgnoredUpgrades() {
    }

    static void decline(Request request) {
        HttpRequestPacket packet = request.getRequest();
        if (packet.isUpgrade()) {
            packet.getUpgradeDC().recycle();
            packet.setIgnoreContentModifiers(false);
        }
    }
}
