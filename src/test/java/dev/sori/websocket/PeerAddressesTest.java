package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PeerAddressesTest {

    @Test
    void onlyIpLiteralsAreParsedNeverNames() throws Exception {
        assertThat(PeerAddresses.literal("127.0.0.1")).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(PeerAddresses.literal("[::1]")).isEqualTo(InetAddress.getByName("::1"));
        assertThat(PeerAddresses.literal("2001:db8::7")).isEqualTo(InetAddress.getByName("2001:db8::7"));
        assertThat(PeerAddresses.literal("localhost")).isNull();
        assertThat(PeerAddresses.literal("example.com")).isNull();
        assertThat(PeerAddresses.literal("")).isNull();
    }
}
