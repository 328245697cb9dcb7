package dev.sori.server;

import dev.sori.websocket.PrivateFields;
import java.lang.reflect.Field;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * Forgets the HTTP filter chain's state of a connection that has left it for the frame chain
 * ({@link WebSocketUpgrade}). Grizzly keeps each chain's state per connection (an array of filter
 * states per operation, about 0.45 KiB for the HTTP chain) in a private map of the connection,
 * and never drops it: every upgraded connection carried the HTTP chain's state for as long as it
 * lived, next to the frame chain's, in a map of two. That was about 7 % of an idle WebSocket's
 * heap (docs/benchmarks.md, step 6).
 *
 * <p>The map is reached by reflection, once per field. If this Grizzly keeps it elsewhere, nothing
 * is forgotten and nothing else changes.
 */
final class HttpChainStates {
    private static final System.Logger LOG = System.getLogger(HttpChainStates.class.getName());
    private static final String STATES_MAP = NIOConnection.class.getName() + "$ProcessorStatesMap";

    private record Fields(Field map, Field count, Field single, Field several) {
    }

    private static volatile Fields fields;
    private static volatile boolean unavailable;

    private HttpChainStates() {
    }

    /**
     * Call after {@code connection.setProcessor(frameChain)}, on the thread that runs the HTTP
     * chain's last read: that run already holds the state it uses, and the frame chain has none
     * yet, so the map can start again empty. Returns false when the states were out of reach.
     */
    static boolean forget(Connection<?> connection) {
        if (unavailable || !(connection instanceof NIOConnection)) {
            return false;
        }
        try {
            Fields f = fields;
            if (f == null) {
                f = fields = resolve();
            }
            Object map = f.map().get(connection);
            synchronized (map) { // the lock Grizzly takes to add a state
                f.several().set(map, null);
                f.single().set(map, null);
                f.count().setInt(map, 0); // volatile, last: readers that see 0 take the lock
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.log(System.Logger.Level.INFO, "Grizzly''s per-connection chain states are out of reach, "
                    + "upgraded connections keep the HTTP chain''s: {0}", e.toString());
            return false;
        }
    }

    private static Fields resolve() throws ReflectiveOperationException {
        Field map = PrivateFields.ofType(NIOConnection.class, STATES_MAP);
        Class<?> type = map.getType();
        return new Fields(map, accessible(type.getDeclaredField("volatileFlag")),
                accessible(type.getDeclaredField("singleProcessorState")),
                accessible(type.getDeclaredField("processorStatesMap")));
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }
}
