package dev.sori.websocket;

import dev.sori.chat.Hub;
import java.util.Objects;

/**
 * The hub that endpoints instantiated by the WebSocket container attach to. Containers create
 * annotated endpoints reflectively and standalone Tyrus has no CDI, so the bootstrap (the
 * standalone launcher or the WAR's listener) installs the hub here before the first connection.
 */
public final class CurrentHub {
    private static volatile Hub hub;

    private CurrentHub() {
    }

    public static void install(Hub newHub) {
        hub = Objects.requireNonNull(newHub);
    }

    public static void uninstall(Hub oldHub) {
        if (hub == oldHub) {
            hub = null;
        }
    }

    static Hub get() {
        Hub current = hub;
        if (current == null) {
            throw new IllegalStateException("no chat hub installed: the server is starting or stopping");
        }
        return current;
    }
}
