package dev.sori.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The private Redis fixture: its own port, no persistence, killed and started again on that port. */
class RedisServerTest {
    private static final Duration T = Duration.ofSeconds(2);

    @Test
    void startsOnAFreePortAnswersPingAndComesBackEmptyOnTheSamePortAfterARestart() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            assertThat(redis.port()).isNotEqualTo(ClusterTools.SHARED_REDIS_PORT);
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.command(T, "PING")).isEqualTo("PONG");
            assertThat(redis.command(T, "CONFIG", "GET", "save")).isEqualTo("save\n");
            assertThat(redis.command(T, "CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
            assertThat(redis.command(T, "SET", "k", "v")).isEqualTo("OK");
            assertThat(redis.clientCount()).as("only the asking connection, not counted").isZero();

            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> redis.command(T, "PING")).isInstanceOf(IOException.class);

            redis.start();
            assertThat(redis.command(T, "PING")).isEqualTo("PONG");
            assertThat(redis.command(T, "GET", "k")).as("nothing survives a restart").isEqualTo("null");

            int port = redis.port();
            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(RedisServer.command(port, T, "PING")).isEqualTo("PONG");
        }
    }

    @Test
    void anErrorReplyIsAnException() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            assertThatThrownBy(() -> redis.command(T, "NO-SUCH-COMMAND"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown command");
        }
    }
}
