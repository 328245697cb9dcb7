package dev.sori.websocket;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The peer's IP address of a WebSocket session. Jakarta WebSocket has no portable way to ask
 * (the spec leaves it out), so this asks each container the way it answers, by reflection on
 * the session's own class: no container class is linked from here, so the class loads the same
 * on Tyrus and on Undertow, and a container that answers none of the ways gets null (the chat
 * then applies no per-address limit to that connection, and says so once in the log).
 *
 * <ul>
 *   <li>the user property {@value #REMOTE_ADDRESS_PROPERTY} (an {@link InetSocketAddress}), set
 *       by Jetty, and by any container that adopts that name;</li>
 *   <li>{@code getRemoteAddr()} returning the address as text: Tyrus's {@code TyrusSession},
 *       i.e. the standalone server and Payara;</li>
 *   <li>{@code getWebSocketChannel().getPeerAddress()}: Undertow's {@code UndertowSession}, i.e.
 *       WildFly.</li>
 * </ul>
 */
final class PeerAddresses {
    static final String REMOTE_ADDRESS_PROPERTY = "jakarta.websocket.endpoint.remoteAddress";

    /** An IP literal: only these are parsed, so that nothing here ever waits on DNS. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%a-zA-Z0-9]*");

    private PeerAddresses() {
    }

    /** The peer's address, or null when this container does not tell. Never throws. */
    static InetAddress of(Session session) {
        try {
            Object property = session.getUserProperties().get(REMOTE_ADDRESS_PROPERTY);
            if (property instanceof InetSocketAddress socketAddress && socketAddress.getAddress() != null) {
                return socketAddress.getAddress();
            }
            Object tyrus = call(session, "getRemoteAddr");
            if (tyrus instanceof String text) {
                return literal(text);
            }
            Object channel = call(session, "getWebSocketChannel");
            if (channel != null && call(channel, "getPeerAddress") instanceof SocketAddress peer) {
                return peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
            }
        } catch (RuntimeException | LinkageError e) {
            // a container that answers differently: unknown
        }
        return null;
    }

    static InetAddress literal(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!IP_LITERAL.matcher(s).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(s); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Calls a public no-argument method found on a public class or interface of {@code target}'s
     * type (the implementation class itself may be package-private); null when there is none.
     */
    private static Object call(Object target, String name) {
        Method method = publicMethod(target.getClass(), name);
        if (method == null) {
            return null;
        }
        try {
            return method.invoke(target);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static Method publicMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers())) {
                try {
                    Method m = c.getMethod(name);
                    if (Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                        return m;
                    }
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                Method m = publicMethod(i, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }
}
