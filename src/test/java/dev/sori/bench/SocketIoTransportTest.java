package dev.sori.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@link SocketIoTransport}'s framing against a fake inner transport that the test drives by
 * hand: which packets it answers, what it hands on, what it sends, and who learns of the end.
 */
class SocketIoTransportTest {
    private final FakeTransport inner = new FakeTransport();
    private final SocketIoTransport transport = new SocketIoTransport(inner);
    private final List<String> events = new ArrayList<>();
    private final Transport.Handler recorder = new Transport.Handler() {
        @Override
        public void onText(String text) {
            events.add("text " + text);
        }

        @Override
        public void onClose(int code, String reason) {
            events.add("close " + code + " " + reason);
        }

        @Override
        public void onError(Throwable failure) {
            events.add("error " + failure.getMessage());
        }
    };

    @Test
    void connectsToSocketIoPathWhateverTheUrlSays() {
        transport.connect(URI.create("ws://127.0.0.1:8092/chat?token=abc"), recorder);
        assertThat(inner.uri).hasToString("ws://127.0.0.1:8092/socket.io/?EIO=4&transport=websocket");
        assertThat(transport.name()).isEqualTo("fake+socketio");
    }

    @Test
    void completesOnlyOnceTheNamespaceAcceptedTheConnection() throws Exception {
        CompletableFuture<Transport.Conn> opened = transport.connect(URI.create("ws://h:1/"), recorder);
        inner.open();
        assertThat(opened).isNotDone();

        inner.handler.onText("0{\"sid\":\"e1\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}");
        assertThat(inner.conn.sent).containsExactly("40");
        assertThat(opened).isNotDone();

        inner.handler.onText("40{\"sid\":\"s1\"}");
        assertThat(opened).isCompleted();
        assertThat(events).isEmpty(); // the control packets are not frames
    }

    @Test
    void answersTheOpenPacketEvenWhenItArrivesBeforeTheWebSocketFutureCompletes() {
        CompletableFuture<Transport.Conn> opened = transport.connect(URI.create("ws://h:1/"), recorder);
        inner.handler.onText("0{\"sid\":\"e1\"}");
        inner.handler.onText("40{\"sid\":\"s1\"}");
        assertThat(opened).isNotDone();
        inner.open();
        assertThat(inner.conn.sent).containsExactly("40");
        assertThat(opened).isCompleted();
    }

    @Test
    void answersEachPingAtOnce() throws Exception {
        Transport.Conn conn = connected();
        inner.handler.onText("2");
        inner.handler.onText("2");
        assertThat(inner.conn.sent).containsExactly("40", "3", "3");
        assertThat(events).isEmpty();
        assertThat(conn).isNotNull();
    }

    @Test
    void unwrapsFrameEventsInOrderAndIgnoresEverythingElse() throws Exception {
        connected();
        inner.handler.onText("42[\"frame\",{\"type\":\"welcome\",\"payload\":{\"sid\":\"x\"}}]");
        inner.handler.onText("42[\"chat message\",\"hi\"]");
        inner.handler.onText("6");
        inner.handler.onText("42[\"frame\",{\"type\":\"message\",\"payload\":{\"seq\":1,\"text\":\"a]\"}}]");
        inner.handler.onText("42[\"frame\",{\"type\":\"message\",\"payload\":{\"seq\":2,\"text\":\"b\"}}]");
        assertThat(events).containsExactly(
                "text {\"type\":\"welcome\",\"payload\":{\"sid\":\"x\"}}",
                "text {\"type\":\"message\",\"payload\":{\"seq\":1,\"text\":\"a]\"}}",
                "text {\"type\":\"message\",\"payload\":{\"seq\":2,\"text\":\"b\"}}");
    }

    @Test
    void wrapsEverySendInOrder() throws Exception {
        Transport.Conn conn = connected();
        conn.send("{\"type\":\"new_message\",\"payload\":\"one\",\"id\":\"1\"}");
        conn.send("{\"type\":\"new_message\",\"payload\":\"two\",\"id\":\"2\"}");
        assertThat(inner.conn.sent).containsExactly("40",
                "42[\"frame\",{\"type\":\"new_message\",\"payload\":\"one\",\"id\":\"1\"}]",
                "42[\"frame\",{\"type\":\"new_message\",\"payload\":\"two\",\"id\":\"2\"}]");
        conn.close();
        assertThat(inner.conn.closed).isTrue();
        conn.abort();
        assertThat(inner.conn.aborted).isTrue();
    }

    @Test
    void aConnectErrorFailsTheConnectAndDropsTheSocket() {
        CompletableFuture<Transport.Conn> opened = transport.connect(URI.create("ws://h:1/"), recorder);
        inner.open();
        inner.handler.onText("0{\"sid\":\"e1\"}");
        inner.handler.onText("44{\"message\":\"Invalid namespace\"}");
        assertThatThrownBy(opened::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("socket.io connect error: {\"message\":\"Invalid namespace\"}");
        assertThat(inner.conn.aborted).isTrue();
        inner.handler.onClose(1006, ""); // the abort's echo
        assertThat(events).as("before the connect completed, the caller owns the handler's end").isEmpty();
    }

    @Test
    void aConnectErrorAfterTheConnectGoesToTheHandler() throws Exception {
        connected();
        inner.handler.onText("44{\"message\":\"late\"}");
        inner.handler.onClose(1006, "");
        assertThat(events).containsExactly("error socket.io connect error: {\"message\":\"late\"}");
    }

    @Test
    void aNamespaceDisconnectIsAClose() throws Exception {
        connected();
        inner.handler.onText("41");
        assertThat(inner.conn.closed).isTrue();
        inner.handler.onClose(1005, ""); // the WebSocket's own end follows: reported once only
        assertThat(events).containsExactly("close 1000 socket.io namespace disconnect");
    }

    @Test
    void theWebSocketsEndIsTheHandlersOnceConnected() throws Exception {
        connected();
        inner.handler.onClose(1013, "too slow");
        assertThat(events).containsExactly("close 1013 too slow");
    }

    @Test
    void theWebSocketsEndBeforeTheNamespaceConnectFailsTheConnect() {
        CompletableFuture<Transport.Conn> opened = transport.connect(URI.create("ws://h:1/"), recorder);
        inner.open();
        inner.handler.onClose(1006, "");
        assertThat(opened).isCompletedExceptionally();
        assertThat(events).isEmpty();
    }

    @Test
    void aFailedWebSocketConnectFailsTheConnect() {
        CompletableFuture<Transport.Conn> opened = transport.connect(URI.create("ws://h:1/"), recorder);
        inner.opened.completeExceptionally(new IOException("refused"));
        assertThatThrownBy(opened::get).hasCauseInstanceOf(IOException.class).hasMessageContaining("refused");
    }

    private Transport.Conn connected() throws Exception {
        CompletableFuture<Transport.Conn> opened = transport.connect(URI.create("ws://h:1/chat"), recorder);
        inner.open();
        inner.handler.onText("0{\"sid\":\"e1\"}");
        inner.handler.onText("40{\"sid\":\"s1\"}");
        return opened.get();
    }

    /** One connection at a time; the test completes its handshake and plays the server. */
    private static final class FakeTransport implements Transport {
        URI uri;
        Handler handler;
        final CompletableFuture<Conn> opened = new CompletableFuture<>();
        final FakeConn conn = new FakeConn();

        @Override
        public CompletableFuture<Conn> connect(URI uri, Handler handler) {
            this.uri = uri;
            this.handler = handler;
            return opened;
        }

        void open() {
            opened.complete(conn);
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void close() {
        }
    }

    private static final class FakeConn implements Transport.Conn {
        final List<String> sent = new ArrayList<>();
        boolean closed;
        boolean aborted;

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }
}
