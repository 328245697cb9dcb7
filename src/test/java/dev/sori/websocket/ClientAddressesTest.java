package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the handshake keeps for {@link ClientAddresses}; the whole path runs in {@code TrustedProxiesIT} and the WAR tests. */
class ClientAddressesTest {

    @AfterEach
    void trustNobody() {
        ClientAddresses.trust(TrustedProxies.NONE);
    }

    @Test
    void withNobodyTrustedNothingIsKept() {
        Map<String, Object> properties = new HashMap<>();
        ClientAddresses.keepHeaders(properties, Map.of("X-Forwarded-For", List.of("203.0.113.9")));
        assertThat(properties).isEmpty();
    }

    @Test
    void headerNamesInAnyCaseAndEveryFieldInOrderAreKept() {
        ClientAddresses.trust(TrustedProxies.parse("10.0.0.0/8"));
        Map<String, List<String>> headers = new TreeMap<>(); // as a container may hand them over, in its own spelling
        headers.put("x-forwarded-for", List.of("6.6.6.6, 203.0.113.9", "10.5.5.5"));
        headers.put("FORWARDED", List.of("for=198.51.100.1"));
        headers.put("Host", List.of("chat.example.com"));
        Map<String, Object> properties = new HashMap<>();
        ClientAddresses.keepHeaders(properties, headers);
        assertThat(properties).containsOnlyKeys(ClientAddresses.HEADERS_PROPERTY);
        assertThat(properties.get(ClientAddresses.HEADERS_PROPERTY)).isEqualTo(
                new ClientAddresses.ForwardingHeaders("6.6.6.6, 203.0.113.9,10.5.5.5", "for=198.51.100.1"));
    }

    @Test
    void aHandshakeWithoutForwardingHeadersKeepsNothing() {
        ClientAddresses.trust(TrustedProxies.parse("10.0.0.0/8"));
        Map<String, Object> properties = new HashMap<>();
        ClientAddresses.keepHeaders(properties, Map.of("Host", List.of("chat.example.com"), "X-Forwarded-For", List.of()));
        ClientAddresses.keepHeaders(properties, null);
        assertThat(properties).isEmpty();
    }
}
