package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.testing.ServerProcess;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * server.jar behind a load balancer, over real sockets: the test connects from 127.0.0.1 as the
 * proxy would, with the headers a proxy sets. With {@code --trusted-proxies} the per-address cap
 * counts the clients the headers name; without it, or from a peer outside the range, the headers
 * are ignored and the cap counts the peer.
 */
class TrustedProxiesIT {
    private static final InetAddress UNTRUSTED_PEER = address("127.0.0.2");

    @Test
    void fromATrustedProxyTwoForwardedClientsAreTwoAddresses() throws Exception {
        try (ServerProcess server = ServerProcess.start("--trusted-proxies", "127.0.0.1/32",
                "--max-connections-per-address", "1")) {
            URI chat = server.chat();
            try (RawWebSocket ada = connect(chat, null, Map.of("X-Forwarded-For", "203.0.113.9"));
                 RawWebSocket bob = connect(chat, null, Map.of("X-Forwarded-For", "198.51.100.4, 127.0.0.1"));
                 RawWebSocket cy = connect(chat, null, Map.of("Forwarded", "for=\"[2001:db8::7]:4711\";proto=https"))) {
                assertWelcomed(ada);
                assertWelcomed(bob);
                assertWelcomed(cy);
                // Ada's address has its one connection: a second from her is refused, and the log names her.
                try (RawWebSocket again = connect(chat, null, Map.of("X-Forwarded-For", "6.6.6.6, 203.0.113.9"))) {
                    assertRefusedWith1013(again);
                }
                assertThat(server.awaitOutput(Duration.ofSeconds(10), "connection refused address=203.0.113.9 open=1"))
                        .contains("trusted proxies: 127.0.0.1/32");
                // IPv6 clients are counted by their /64, through the proxy as well.
                try (RawWebSocket cyAgain = connect(chat, null, Map.of("X-Forwarded-For", "2001:db8::8"))) {
                    assertRefusedWith1013(cyAgain);
                }
                // The proxy's own connections (no header) are one more address, the proxy's.
                try (RawWebSocket plain = connect(chat, null, Map.of())) {
                    assertWelcomed(plain);
                }
            }
        }
    }

    @Test
    void aPeerOutsideTheTrustedRangeCannotPoseAsAnotherAddress() throws Exception {
        try (ServerProcess server = ServerProcess.start("--trusted-proxies", "127.0.0.1/32",
                "--max-connections-per-address", "1")) {
            try (RawWebSocket first = connect(server.chat(), UNTRUSTED_PEER, Map.of("X-Forwarded-For", "203.0.113.9"))) {
                assertWelcomed(first);
                try (RawWebSocket spoofing = connect(server.chat(), UNTRUSTED_PEER,
                        Map.of("X-Forwarded-For", "198.51.100.4", "Forwarded", "for=198.51.100.5"))) {
                    assertRefusedWith1013(spoofing);
                }
                server.awaitOutput(Duration.ofSeconds(10), "connection refused address=127.0.0.2 open=1");
            }
        }
    }

    @Test
    void withoutTheSettingForwardedHeadersAreIgnoredAndTheSecondConnectionIsRefused() throws Exception {
        try (ServerProcess server = ServerProcess.start("--max-connections-per-address", "1")) {
            try (RawWebSocket first = connect(server.chat(), null, Map.of("X-Forwarded-For", "203.0.113.9"))) {
                assertWelcomed(first);
                try (RawWebSocket second = connect(server.chat(), null,
                        Map.of("X-Forwarded-For", "198.51.100.4", "Forwarded", "for=198.51.100.4"))) {
                    assertRefusedWith1013(second);
                }
                String log = server.awaitOutput(Duration.ofSeconds(10), "connection refused address=127.0.0.1 open=1");
                assertThat(log).contains("trusted proxies: none");
            }
        }
    }

    @Test
    void theOriginRuleHoldsWithTheHostAProxyPassesOn() throws Exception {
        try (ServerProcess server = ServerProcess.start("--trusted-proxies", "127.0.0.1/32")) {
            // nginx with proxy_set_header Host $http_host, or HAProxy (which passes Host as it came):
            // the page's origin is the public name, and so is the Host Sori sees.
            try (RawWebSocket passed = connect(server.chat(), null, Map.of("Host", "chat.example.com",
                    "Origin", "https://chat.example.com", "X-Forwarded-For", "203.0.113.9"))) {
                assertWelcomed(passed);
            }
            try (RawWebSocket withPort = connect(server.chat(), null, Map.of("Host", "chat.example.com:8443",
                    "Origin", "https://chat.example.com:8443", "X-Forwarded-For", "203.0.113.9"))) {
                assertWelcomed(withPort);
            }
            // A foreign page through the same proxy is still refused, whatever the proxy forwards.
            assertThatThrownBy(() -> connect(server.chat(), null, Map.of("Host", "chat.example.com",
                    "Origin", "https://evil.example", "X-Forwarded-For", "203.0.113.9")))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("handshake refused: HTTP/1.1 403");
            // A proxy that sends its upstream's name as Host (nginx's default, $proxy_host) makes the
            // page's own origin foreign: the deploy guide's configurations pass the Host on.
            assertThatThrownBy(() -> connect(server.chat(), null, Map.of("Origin", "https://chat.example.com",
                    "X-Forwarded-For", "203.0.113.9")))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("handshake refused: HTTP/1.1 403");
        }
    }

    @Test
    void anInvalidRangeStopsTheServerWithOneLineNamingTheSetting() throws Exception {
        Process process = new ProcessBuilder(ServerProcess.command("--trusted-proxies", "10.0.0.0/8,proxy.example.com"))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isNotZero();
        assertThat(output).contains("invalid setting trusted-proxies=10.0.0.0/8,proxy.example.com (option "
                + "--trusted-proxies): \"proxy.example.com\" is not an IP address or CIDR range");
        assertThat(output).doesNotContain("Exception", "\tat ");
    }

    private static RawWebSocket connect(URI chat, InetAddress from, Map<String, String> headers) {
        return RawWebSocket.connect(chat, 0, from, headers);
    }

    private static void assertWelcomed(RawWebSocket ws) throws IOException {
        JsonObject first = ItSupport.parse(ws.readUntil(RawWebSocket.OP_TEXT).text());
        assertThat(first.getString("type")).isEqualTo("welcome");
    }

    private static void assertRefusedWith1013(RawWebSocket ws) throws IOException {
        RawWebSocket.Frame first = ws.readFrame();
        assertThat(first.opcode()).as("first frame %s", first).isEqualTo(RawWebSocket.OP_CLOSE);
        assertThat(first.closeCode()).isEqualTo(1013);
        String reason = new String(Arrays.copyOfRange(first.payload(), 2, first.payload().length), StandardCharsets.UTF_8);
        assertThat(reason).isEqualTo("too many connections from your address");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
