package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {
    private static final TrustedProxies LB = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, fd00::/8, ::1");
    private static final InetAddress PROXY = ip("10.1.2.3");
    private static final InetAddress CLIENT = ip("203.0.113.9");

    // ------------------------------------------------------------ who is believed

    @Test
    void withNoTrustedProxiesEveryHeaderIsIgnored() {
        assertThat(TrustedProxies.NONE.isEmpty()).isTrue();
        assertThat(TrustedProxies.NONE.clientAddress(PROXY, "198.51.100.1", "for=198.51.100.2")).isEqualTo(PROXY);
        assertThat(TrustedProxies.parse(null)).isSameAs(TrustedProxies.NONE);
        assertThat(TrustedProxies.parse("  ")).isSameAs(TrustedProxies.NONE);
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() {
        assertThat(LB.clientAddress(CLIENT, "198.51.100.1", null)).isEqualTo(CLIENT);
        assertThat(LB.clientAddress(CLIENT, null, "for=198.51.100.1")).isEqualTo(CLIENT);
        // Even when it names a trusted proxy, or claims to come through one.
        assertThat(LB.clientAddress(CLIENT, "10.9.9.9", null)).isEqualTo(CLIENT);
    }

    @Test
    void aTrustedPeerWithoutHeadersIsItselfTheClient() {
        assertThat(LB.clientAddress(PROXY, null, null)).isEqualTo(PROXY);
        assertThat(LB.clientAddress(PROXY, "", "")).isEqualTo(PROXY);
    }

    @Test
    void anUnknownPeerStaysUnknown() {
        assertThat(LB.clientAddress(null, "198.51.100.1", null)).isNull();
    }

    @Test
    void fromATrustedPeerTheForwardedForAddressIsTheClient() {
        assertThat(LB.clientAddress(PROXY, "203.0.113.9", null)).isEqualTo(CLIENT);
        assertThat(LB.clientAddress(PROXY, " 203.0.113.9 ", null)).isEqualTo(CLIENT);
        assertThat(LB.clientAddress(ip("192.168.1.7"), "203.0.113.9", null)).isEqualTo(CLIENT);
    }

    // ------------------------------------------------------------ chains

    @Test
    void theRightMostAddressThatIsNotATrustedProxyIsTheClient() {
        // client -> CDN edge (10.5.5.5, ours) -> LB (10.1.2.3, ours) -> Sori
        assertThat(LB.clientAddress(PROXY, "203.0.113.9, 10.5.5.5", null)).isEqualTo(CLIENT);
        // Whatever the client put in front of its own address is never looked at.
        assertThat(LB.clientAddress(PROXY, "1.1.1.1, 8.8.8.8, 203.0.113.9, 10.5.5.5", null)).isEqualTo(CLIENT);
        assertThat(LB.clientAddress(PROXY, "1.1.1.1,203.0.113.9", null)).isEqualTo(CLIENT);
    }

    @Test
    void severalHeaderFieldsJoinedInOrderAreOneList() {
        assertThat(LB.clientAddress(PROXY, "6.6.6.6, 203.0.113.9,10.5.5.5", null)).isEqualTo(CLIENT);
    }

    @Test
    void aChainOfOnlyTrustedProxiesEndsAtTheLeftMostOfThem() {
        assertThat(LB.clientAddress(PROXY, "10.7.7.7, 10.5.5.5", null)).isEqualTo(ip("10.7.7.7"));
    }

    @Test
    void emptyEntriesAreSkipped() {
        assertThat(LB.clientAddress(PROXY, "203.0.113.9,, ,10.5.5.5,", null)).isEqualTo(CLIENT);
    }

    @Test
    void aVeryLongChainOfTrustedAddressesStopsAfterAFixedNumberOfHops() {
        String chain = "203.0.113.9" + ", 10.0.0.1".repeat(TrustedProxies.MAX_HOPS + 5);
        assertThat(LB.trusts(LB.clientAddress(PROXY, chain, null))).isTrue();
    }

    // ------------------------------------------------------------ malformed headers

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "garbage", "203.0.113", "203.0.113.9.1", "256.1.1.1", "1.2.3.4:99999",
            "127.1", "0x7f.0.0.1", "localhost", "example.com", "1.2.3.4/8", "[::1", "::1]", "1::2::3", "fe80::1%eth0",
            "_hidden", "-", "1.2.3.4 5.6.7.8", "\u0000", ".:"})
    void aMalformedRightMostEntryLeavesTheTrustedPeerAsTheClient(String entry) {
        assertThat(LB.clientAddress(PROXY, entry, null)).as(entry).isEqualTo(PROXY);
        assertThat(LB.clientAddress(PROXY, "203.0.113.9, " + entry, null)).as(entry).isEqualTo(PROXY);
        assertThat(LB.clientAddress(PROXY, null, "for=" + entry)).as(entry).isEqualTo(PROXY);
    }

    @Test
    void aMalformedEntryStopsTheWalkAtTheLastTrustedProxy() {
        assertThat(LB.clientAddress(PROXY, "203.0.113.9, unknown, 10.5.5.5", null)).isEqualTo(ip("10.5.5.5"));
        // Left of the client nothing matters, malformed or not.
        assertThat(LB.clientAddress(PROXY, "garbage, 203.0.113.9", null)).isEqualTo(CLIENT);
    }

    @Test
    void aHugeHeaderIsHandled() {
        String huge = "x".repeat(100_000) + ", 203.0.113.9";
        assertThat(LB.clientAddress(PROXY, huge, null)).isEqualTo(CLIENT);
        assertThat(LB.clientAddress(PROXY, null, "for=\"" + "\\".repeat(10_000))).isEqualTo(PROXY);
    }

    @Test
    void portsAreAllowedAndDropped() {
        assertThat(LB.clientAddress(PROXY, "203.0.113.9:51234", null)).isEqualTo(CLIENT);
        assertThat(LB.clientAddress(PROXY, "[2001:db8::7]:443", null)).isEqualTo(ip("2001:db8::7"));
    }

    // ------------------------------------------------------------ IPv6

    @Test
    void ipv6PeersClientsAndRanges() {
        InetAddress v6Proxy = ip("fd12::5");
        assertThat(LB.clientAddress(v6Proxy, "2001:db8::7", null)).isEqualTo(ip("2001:db8::7"));
        assertThat(LB.clientAddress(v6Proxy, "[2001:DB8::7]", null)).isEqualTo(ip("2001:db8::7"));
        assertThat(LB.clientAddress(ip("::1"), "2001:db8::7, fd00::1", null)).isEqualTo(ip("2001:db8::7"));
        assertThat(LB.clientAddress(ip("fe00::1"), "2001:db8::7", null)).as("outside fd00::/8").isEqualTo(ip("fe00::1"));
        // A v4 client through a v6 proxy and back.
        assertThat(LB.clientAddress(v6Proxy, "203.0.113.9, 10.5.5.5", null)).isEqualTo(CLIENT);
        // An IPv4-mapped entry is the IPv4 address.
        assertThat(LB.clientAddress(PROXY, "::ffff:203.0.113.9", null)).isEqualTo(CLIENT);
    }

    @Test
    void anIpv4RangeNeverMatchesAnIpv6AddressAndBack() {
        TrustedProxies all4 = TrustedProxies.parse("0.0.0.0/0");
        TrustedProxies all6 = TrustedProxies.parse("::/0");
        assertThat(all4.trusts(ip("2001:db8::1"))).isFalse();
        assertThat(all4.trusts(ip("192.0.2.1"))).isTrue();
        assertThat(all6.trusts(ip("192.0.2.1"))).isFalse();
        assertThat(all6.trusts(ip("2001:db8::1"))).isTrue();
    }

    // ------------------------------------------------------------ RFC 7239 Forwarded

    @Test
    void forwardedForGivesTheClient() {
        assertThat(LB.clientAddress(PROXY, null, "for=203.0.113.9")).isEqualTo(CLIENT);
        assertThat(LB.clientAddress(PROXY, null, "For=\"203.0.113.9:4711\";proto=https;by=10.1.2.3"))
                .isEqualTo(CLIENT);
        assertThat(LB.clientAddress(PROXY, null, "proto=http; for=\"[2001:db8:cafe::17]:4711\""))
                .isEqualTo(ip("2001:db8:cafe::17"));
        assertThat(LB.clientAddress(PROXY, null, "for=1.1.1.1, for=203.0.113.9;proto=https, for=10.5.5.5"))
                .isEqualTo(CLIENT);
    }

    @Test
    void forwardedQuotedCommasAndSemicolonsDoNotSplit() {
        assertThat(TrustedProxies.forwardedForEntries("for=\"a,b;c\";by=x, for=203.0.113.9"))
                .containsExactly("a,b;c", "203.0.113.9");
        assertThat(LB.clientAddress(PROXY, null, "for=203.0.113.9;by=\"x,for=6.6.6.6\"")).isEqualTo(CLIENT);
    }

    @Test
    void anObfuscatedOrUnknownForwardedElementStopsTheWalk() {
        assertThat(LB.clientAddress(PROXY, null, "for=203.0.113.9, for=unknown")).isEqualTo(PROXY);
        assertThat(LB.clientAddress(PROXY, null, "for=203.0.113.9, for=_hidden, for=10.5.5.5")).isEqualTo(ip("10.5.5.5"));
        assertThat(LB.clientAddress(PROXY, null, "for=203.0.113.9, proto=https")).as("no for= in the last hop")
                .isEqualTo(PROXY);
    }

    @Test
    void bothHeadersAgreeingNameTheClient() {
        assertThat(LB.clientAddress(PROXY, "203.0.113.9", "for=203.0.113.9")).isEqualTo(CLIENT);
    }

    @Test
    void bothHeadersDisagreeingAreNeitherBelieved() {
        // nginx appends to X-Forwarded-For and passes on the Forwarded header the client made up, or
        // HAProxy's "option forwarded" the other way round: which one the proxy wrote is unknown here.
        assertThat(LB.clientAddress(PROXY, "203.0.113.9", "for=198.51.100.1")).isEqualTo(PROXY);
        assertThat(LB.clientAddress(PROXY, "198.51.100.1", "for=203.0.113.9")).isEqualTo(PROXY);
    }

    // ------------------------------------------------------------ parsing the setting

    @Test
    void theSettingTakesAddressesAndRangesOfBothFamilies() {
        TrustedProxies parsed = TrustedProxies.parse(" 10.0.0.0/8,192.168.1.7 ,fd00::/8,::1, 2001:db8:0:0::/64,0.0.0.0/0");
        assertThat(parsed.toString()).isEqualTo("10.0.0.0/8,192.168.1.7/32,fd00::/8,::1/128,2001:db8::/64,0.0.0.0/0");
        assertThat(parsed.trusts(ip("10.255.255.255"))).isTrue();
        assertThat(parsed.trusts(ip("11.0.0.0"))).isTrue(); // 0.0.0.0/0
        assertThat(TrustedProxies.parse("192.168.1.7").trusts(ip("192.168.1.8"))).isFalse();
        assertThat(TrustedProxies.parse("2001:db8::/64").trusts(ip("2001:db8::ffff:1"))).isTrue();
        assertThat(TrustedProxies.parse("2001:db8::/64").trusts(ip("2001:db8:0:1::1"))).isFalse();
        assertThat(TrustedProxies.parse("10.0.0.0/8,10.0.0.0/8").toString()).isEqualTo("10.0.0.0/8");
        assertThat(TrustedProxies.NONE.toString()).isEqualTo("none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.com", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8",
            "10.0.0.0/8/8", "1.2.3.4:80", "fe80::1%eth0", "*", "10.0.0.0/x"})
    void aBadEntryIsRefusedNamingIt(String entry) {
        assertThatThrownBy(() -> TrustedProxies.parse("127.0.0.1/32, " + entry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry);
    }

    @Test
    void aRangeWithHostBitsSetIsRefusedSayingWhichRangeThatWouldBe() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.1/8"))
                .hasMessage("\"10.0.0.1/8\" has bits set past its /8; the range is 10.0.0.0/8");
        assertThatThrownBy(() -> TrustedProxies.parse("fd00::1/8"))
                .hasMessage("\"fd00::1/8\" has bits set past its /8; the range is fd00::/8");
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
