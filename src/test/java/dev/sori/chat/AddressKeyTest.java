package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressKeyTest {

    @Test
    void ipv4AsItIsIpv6ByItsSlash64() throws Exception {
        assertThat(AddressKey.of(InetAddress.getByName("127.0.0.1"))).isEqualTo("127.0.0.1");
        assertThat(AddressKey.of(InetAddress.getByName("::ffff:10.1.2.3"))).isEqualTo("10.1.2.3");
        assertThat(AddressKey.of(InetAddress.getByName("2001:db8:1:2:aaaa::1")))
                .isEqualTo(AddressKey.of(InetAddress.getByName("2001:db8:1:2:bbbb::2")))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(AddressKey.of(InetAddress.getByName("2001:db8:1:3::1"))).isEqualTo("2001:db8:1:3::/64");
        assertThat(AddressKey.of(null)).isNull();
    }
}
