package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The portable connection hands the container nothing after a close it asked for, and a close
 * waits for a send already being handed over (RFC 6455 §5.5.1: no data after the close frame).
 * The session is a stand-in that records what the container was asked to do, in order.
 */
class SessionConnectionTest {

    @Test
    void textGoesOutUntilTheCloseAndIsRefusedAfterIt() {
        Container container = new Container();
        SessionConnection connection = new SessionConnection(container.session());

        AtomicReference<Throwable> first = new AtomicReference<>(new AssertionError("not completed"));
        connection.send("hello", first::set);
        connection.close(4001, "kicked");
        AtomicReference<Throwable> late = new AtomicReference<>();
        connection.send("one broadcast too late", late::set);
        connection.close(1001, "again");

        assertThat(container.calls()).containsExactly("text hello", "close 4001 kicked");
        assertThat(first.get()).isNull();
        assertThat(late.get()).hasMessage("the connection is closing");
    }

    /** A close asked for while a send is being handed over goes out as that send returns; the closer does not wait. */
    @Test
    void aCloseGoesOutAfterTheSendBeingHandedOver() throws Exception {
        Container container = new Container();
        CountDownLatch sendInside = new CountDownLatch(1);
        CountDownLatch letSendFinish = new CountDownLatch(1);
        container.duringSend = () -> {
            sendInside.countDown();
            try {
                assertThat(letSendFinish.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        SessionConnection connection = new SessionConnection(container.session());

        Thread sending = new Thread(() -> connection.send("broadcast", failure -> { }));
        sending.start();
        assertThat(sendInside.await(10, TimeUnit.SECONDS)).isTrue();
        connection.close(1000, "bye"); // returns at once
        assertThat(container.calls()).containsExactly("text broadcast");

        letSendFinish.countDown();
        sending.join(10_000);
        assertThat(container.calls()).containsExactly("text broadcast", "close 1000 bye");
    }

    /** A session whose asynchronous remote and close are recorded; everything else is unused here. */
    private static final class Container {
        private final List<String> calls = new ArrayList<>();
        volatile Runnable duringSend = () -> { };
        private volatile boolean open = true;

        List<String> calls() {
            synchronized (calls) {
                return List.copyOf(calls);
            }
        }

        private void record(String call) {
            synchronized (calls) {
                calls.add(call);
            }
        }

        Session session() {
            RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                        if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler h) {
                            record("text " + args[0]);
                            duringSend.run(); // still handing it over
                            h.onResult(new SendResult());
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
            return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getAsyncRemote" -> remote;
                        case "isOpen" -> open;
                        case "close" -> {
                            CloseReason reason = (CloseReason) args[0];
                            record("close " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
                            open = false;
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}
