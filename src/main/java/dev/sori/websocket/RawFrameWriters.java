package dev.sori.websocket;

import java.util.function.UnaryOperator;
import org.glassfish.tyrus.spi.Writer;

/**
 * Where the container under Tyrus can write the chat's pre-built frames more directly than
 * Tyrus's own {@link Writer} for it, the launcher installs that here: the standalone server
 * writes straight into Grizzly's write queue ({@code dev.sori.server.GrizzlyFrameWriters}).
 * Nothing is installed in the WAR, where the Tyrus writer (Payara) or the portable API (WildFly)
 * is used. Only {@link TyrusFrameConnection} reads it, so this class, like that one, is only
 * loaded where Tyrus is present.
 */
public final class RawFrameWriters {
    private static volatile UnaryOperator<Writer> shortcut = UnaryOperator.identity();

    /**
     * A shortcut's writer that can read ahead, without changing anything, the state its next
     * write will read ({@link dev.sori.chat.Connection#prefetch}).
     */
    public interface Prefetching {
        void prefetch();
    }

    /** A shortcut's writer that can tell whether its connection is still open. */
    public interface ConnectionState {
        boolean isOpen();
    }

    private RawFrameWriters() {
    }

    /** {@code shortcut} gets Tyrus's writer of a session and returns the one to write frames with. */
    public static void install(UnaryOperator<Writer> shortcut) {
        RawFrameWriters.shortcut = shortcut;
    }

    static Writer forFrames(Writer tyrusWriter) {
        return shortcut.apply(tyrusWriter);
    }
}
