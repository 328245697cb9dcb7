package dev.sori.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy between a node and Redis: passing, cut, blackholed, and passing again. */
class TcpProxyTest {
    private static final Duration T = Duration.ofSeconds(2);

    private RedisServer redis;
    private TcpProxy proxy;

    @BeforeEach
    void start() {
        redis = RedisServer.startOrSkip();
        proxy = TcpProxy.to(redis.port());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void passesBothWaysOnNewAndKeptConnections() throws Exception {
        assertThat(RedisServer.command(proxy.port(), T, "PING")).isEqualTo("PONG");
        assertThat(proxy.redisUrl()).isEqualTo("redis://127.0.0.1:" + proxy.port());
        try (Link link = new Link(proxy.port())) {
            for (int i = 0; i < 3; i++) {
                assertThat(link.command("ECHO", "hi " + i)).isEqualTo("hi " + i);
            }
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void cutResetsOpenConnectionsAndRefusesNewOnesUntilPass() throws Exception {
        try (Link link = new Link(proxy.port())) {
            assertThat(link.command("PING")).isEqualTo("PONG");
            proxy.cut();
            assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.CUT);
            assertThatThrownBy(() -> link.command("PING")).as("the kept connection").isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> RedisServer.command(proxy.port(), T, "PING")).as("a new connection")
                .isInstanceOf(IOException.class);
        assertThat(redis.command(T, "PING")).as("Redis itself is fine").isEqualTo("PONG");

        proxy.pass();
        assertThat(RedisServer.command(proxy.port(), T, "PING")).isEqualTo("PONG");
    }

    @Test
    void blackholeKeepsConnectionsOpenButMovesNothingUntilPassThenDeliversWhatWaited() throws Exception {
        try (Link link = new Link(proxy.port())) {
            assertThat(link.command("PING")).isEqualTo("PONG");
            proxy.blackhole();
            link.send("ECHO", "held back");
            assertThatThrownBy(() -> link.reply(Duration.ofMillis(500))).as("nothing comes back")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openConnections()).as("the connection stays open").isEqualTo(1);
            assertThat(redis.command(T, "CLIENT", "LIST")).as("Redis got nothing: only this CLIENT LIST is in a command")
                    .doesNotContain("cmd=echo");

            try (Link late = new Link(proxy.port())) {
                late.send("PING");
                assertThatThrownBy(() -> late.reply(Duration.ofMillis(300))).as("a new connection is accepted but mute")
                        .isInstanceOf(SocketTimeoutException.class);

                proxy.pass();
                assertThat(link.reply(T)).as("what waited flows on").isEqualTo("held back");
                assertThat(late.reply(T)).isEqualTo("PONG");
                assertThat(link.command("PING")).isEqualTo("PONG");
            }
        }
    }

    @Test
    void aDeadTargetLooksLikeACutLink() throws Exception {
        redis.stop();
        assertThatThrownBy(() -> RedisServer.command(proxy.port(), T, "PING")).isInstanceOf(IOException.class);
        redis.start();
        assertThat(RedisServer.command(proxy.port(), T, "PING")).isEqualTo("PONG");
    }

    /** One kept-open RESP connection. */
    private static final class Link implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;

        Link(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        void send(String... args) throws IOException {
            socket.getOutputStream().write(RedisServer.encode(args));
            socket.getOutputStream().flush();
        }

        String reply(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            return RedisServer.readReply(in);
        }

        String command(String... args) throws IOException {
            send(args);
            return reply(T);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
