package dev.sori.websocket;

import dev.sori.chat.Connection;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.function.Function;

/**
 * Picks the {@link Connection} for a session: where Tyrus is the container (server.jar, Payara)
 * one that writes the chat's pre-built frames ({@link TyrusFrameConnection}), elsewhere (WildFly's
 * Undertow) or when that is unavailable the portable {@link SessionConnection}. Tyrus classes are
 * only touched by name, so nothing links against them where they are absent. The system property
 * {@code sori.raw-frames=false} forces the portable path (to compare, or if a Tyrus release stores
 * its writer differently and sends misbehave).
 */
final class SessionConnections {
    private static final System.Logger LOG = System.getLogger(SessionConnections.class.getName());
    private static final Function<Session, Connection> RAW = rawFrames();

    private SessionConnections() {
    }

    static Connection of(Session session) {
        if (RAW != null) {
            Connection raw = RAW.apply(session);
            if (raw != null) {
                return raw;
            }
        }
        return new SessionConnection(session);
    }

    @SuppressWarnings("unchecked")
    private static Function<Session, Connection> rawFrames() {
        if ("false".equalsIgnoreCase(System.getProperty("sori.raw-frames", "true"))) {
            LOG.log(Level.INFO, "sending text frames through the portable WebSocket API (sori.raw-frames=false)");
            return null;
        }
        ClassLoader loader = SessionConnections.class.getClassLoader();
        try {
            Class.forName("org.glassfish.tyrus.spi.Writer", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // not Tyrus: the portable path, silently
        }
        try {
            Class<?> factory = Class.forName("dev.sori.websocket.TyrusFrameConnection$Factory", true, loader);
            var constructor = factory.getDeclaredConstructor();
            constructor.setAccessible(true);
            Function<Session, Connection> made = (Function<Session, Connection>) constructor.newInstance();
            LOG.log(Level.INFO, "sending pre-built frames through Tyrus's writer");
            return made;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.INFO, "sending text frames through the portable WebSocket API: {0}", e.toString());
            return null;
        }
    }
}
