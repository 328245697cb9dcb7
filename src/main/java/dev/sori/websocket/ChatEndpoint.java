package dev.sori.websocket;

import dev.sori.chat.Client;
import dev.sori.chat.CloseCodes;
import dev.sori.chat.Hub;
import dev.sori.chat.RedactedFailure;
import dev.sori.protocol.ClientFrameDecoder;
import dev.sori.protocol.ServerFrameEncoder;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The chat's WebSocket endpoint, {@code /chat}. One instance per connection; it adapts the
 * session to the chat domain and does nothing else.
 */
@ServerEndpoint(value = "/chat", encoders = ServerFrameEncoder.class, configurator = ChatConfigurator.class)
public class ChatEndpoint {
    /** Text frames over this many bytes are refused with close code 1009. */
    public static final int MAX_FRAME_BYTES = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(ChatEndpoint.class.getName());
    private static final ClientFrameDecoder DECODER = new ClientFrameDecoder();

    private final Hub hub;
    private final TextFrameAssembler assembler = new TextFrameAssembler(MAX_FRAME_BYTES);
    private Client client;

    public ChatEndpoint() {
        this(CurrentHub.get());
    }

    ChatEndpoint(Hub hub) {
        this.hub = hub;
    }

    @OnOpen
    public void open(Session session) {
        // Idle peers are the hub's business (pings, --ping-timeout). Negative means "never" in the
        // Jakarta API; Tyrus's default of 0 also means never, yet makes every send schedule and
        // cancel a timeout task, which cost about 30 % of the server's CPU per delivery in the
        // fan-out benchmark (docs/benchmarks.md).
        session.setMaxIdleTimeout(-1);
        session.setMaxTextMessageBufferSize(MAX_FRAME_BYTES);
        session.setMaxBinaryMessageBufferSize(MAX_FRAME_BYTES);
        List<String> tokens = session.getRequestParameterMap().get("token");
        String token = tokens == null || tokens.isEmpty() ? null : tokens.get(0);
        client = hub.connect(SessionConnections.of(session), token);
    }

    /**
     * Text arrives in parts so that the size limit holds on every container: see
     * {@link TextFrameAssembler}. A frame over the limit closes the connection with 1009, the
     * code Tyrus itself uses for an oversized whole message.
     */
    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void text(String part, boolean last, Session session) {
        if (client == null) {
            return; // refused at open (shutting down, or over the per-address cap): closing
        }
        client.touch(); // every frame is a sign of life, also a fragment of a long message
        String text;
        try {
            text = assembler.add(part, last);
        } catch (TextFrameAssembler.TooLarge e) {
            LOG.log(Level.INFO, "sid={0}: {1}, closing with 1009", sid(), e.getMessage());
            close(session, CloseReason.CloseCodes.TOO_BIG, "frame too large");
            return;
        }
        if (text != null) {
            client.handle(DECODER.decode(text));
        }
    }

    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void binary(ByteBuffer data) {
        if (client != null) {
            client.rejectBinary();
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (client != null) {
            client.touch();
        }
    }

    @OnClose
    public void close(CloseReason reason) {
        hub.disconnect(client, reason.getCloseCode().getCode());
    }

    @OnError
    public void error(Session session, Throwable failure) {
        if (failure instanceof IOException) {
            // The peer went away mid-frame; @OnClose follows.
            LOG.log(Level.DEBUG, "connection error sid={0}: {1}", sid(), failure.toString());
            return;
        }
        if (client == null || !session.isOpen()) {
            // Reported after the session closed, e.g. Tyrus's MessageTooBigException once it has
            // itself closed an oversized frame with 1009 (on a fresh endpoint instance, hence no
            // client). Nothing is left to close, and it is no bug of ours: one line, no stack.
            LOG.log(Level.INFO, "error after close sid={0}: {1}", sid(), failure.getClass().getName());
            return;
        }
        // A bug while handling this session: close it alone, keep everyone else. The log gets the
        // stack but no exception message, which could quote what the client sent.
        LOG.log(Level.ERROR, "internal error sid=" + sid() + ", closing with 1011", RedactedFailure.of(failure));
        close(session, CloseReason.CloseCodes.getCloseCode(CloseCodes.INTERNAL_ERROR), "internal error");
    }

    private static void close(Session session, CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason));
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }

    private String sid() {
        return client == null ? "-" : client.sid();
    }
}
