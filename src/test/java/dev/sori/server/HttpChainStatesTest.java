package dev.sori.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.junit.jupiter.api.Test;

/**
 * The Grizzly this build ships keeps a connection's chain states where {@link HttpChainStates}
 * looks for them; a Grizzly that moves them would otherwise only show as memory not given back.
 */
class HttpChainStatesTest {

    @Test
    void aForgottenChainStartsAfreshWhileTheNextChainGetsItsOwn() {
        TCPNIOTransport transport = TCPNIOTransportBuilder.newInstance().build();
        TCPNIOConnection connection = new TCPNIOConnection(transport, null);
        FilterChain http = FilterChainBuilder.stateless().build();
        FilterChain frames = FilterChainBuilder.stateless().build();
        assertThat(connection.obtainProcessorState(http, () -> "http state")).isEqualTo("http state");

        assertThat(HttpChainStates.forget(connection)).as("forgotten").isTrue();

        assertThat(connection.obtainProcessorState(frames, () -> "frame state")).isEqualTo("frame state");
        assertThat(connection.obtainProcessorState(frames, () -> "another")).isEqualTo("frame state");
        assertThat(connection.obtainProcessorState(http, () -> "new http state")).isEqualTo("new http state");
    }
}
