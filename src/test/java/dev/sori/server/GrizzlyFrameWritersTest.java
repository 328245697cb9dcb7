package dev.sori.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

/**
 * The Tyrus this build ships keeps Grizzly's connection where {@link GrizzlyFrameWriters} looks for
 * it; a Tyrus that moves it would otherwise only show as a silent return to the slower path.
 * (That the frames then arrive, with and without TLS, is every integration test's business.)
 */
class GrizzlyFrameWritersTest {

    @Test
    void findsTheConnectionInTyrussGrizzlyWriter() throws Exception {
        assertThat(Connection.class).isAssignableFrom(GrizzlyFrameWriters.connectionField().getType());
    }

    @Test
    void aWriterOfAnotherContainerIsKept() {
        Writer other = new Writer() {
            @Override
            public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
            }

            @Override
            public void close() {
            }
        };
        assertThat(new GrizzlyFrameWriters().apply(other)).isSameAs(other);
    }
}
