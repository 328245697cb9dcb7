package dev.sori.websocket;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reverse proxies (load balancers) whose word on the client's address is believed
 * ({@code --trusted-proxies}), and how that word is read: a pure function of the peer's address
 * and two request headers, the same in server.jar, Payara and WildFly.
 *
 * <p>From a peer in these ranges, the client is found by walking {@code X-Forwarded-For} from the
 * right, skipping addresses that are themselves trusted proxies, as nginx's {@code real_ip} with
 * {@code real_ip_recursive on} does: each proxy appends the address it was connected from, so the
 * right-most entry that is not one of ours is the last one no proxy of ours vouched for, i.e. the
 * client. Entries left of it were written by whoever sent the request and are never looked at
 * (a client may send any {@code X-Forwarded-For} it likes). RFC 7239 {@code Forwarded: for=} is
 * read the same way when there is no {@code X-Forwarded-For}.
 *
 * <p>What is not believed:
 * <ul>
 *   <li>any header from a peer outside these ranges (the default, no ranges: every header): the
 *       peer is the client;</li>
 *   <li>an entry that is not an IP address ({@code unknown}, an obfuscated {@code _name}, garbage):
 *       the walk stops at the last trusted proxy before it, which then counts as the client;</li>
 *   <li>both headers, naming different clients: one of them is not the proxy's (a proxy maintains
 *       one of the two and passes the other on as the client sent it), and which one cannot be
 *       told here, so neither is believed: the peer (the proxy) counts as the client. A client that
 *       sends a header of its own to pose as another address thus only shares one bucket with the
 *       other clients that do.</li>
 * </ul>
 * Immutable; one instance is shared by every handshake.
 */
public final class TrustedProxies {
    /** No proxy trusted: every peer is the client, whatever it says. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    /** Proxies a request may have passed through that are looked at; a longer chain stops here. */
    static final int MAX_HOPS = 32;

    private final List<Cidr> ranges;

    private TrustedProxies(List<Cidr> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Comma-separated addresses or CIDR ranges, IPv4 or IPv6: {@code 10.0.0.0/8, 192.168.1.7,
     * fd00::/8, ::1}. Null or blank means none.
     *
     * @throws IllegalArgumentException naming the entry that is not an address or range
     */
    public static TrustedProxies parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String entry : text.split(",")) {
            String trimmed = entry.strip();
            if (!trimmed.isEmpty()) {
                Cidr cidr = Cidr.parse(trimmed);
                if (!ranges.contains(cidr)) {
                    ranges.add(cidr);
                }
            }
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} is in one of the ranges. */
    public boolean trusts(InetAddress address) {
        if (address == null) {
            return false;
        }
        for (Cidr range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: the peer's, unless the peer is a trusted proxy and the headers say
     * who connected to it (see the class comment).
     *
     * @param peer          the address the connection came from, or null when unknown (then null)
     * @param xForwardedFor every {@code X-Forwarded-For} field of the request, joined with commas
     *                      in their order, or null when there is none
     * @param forwarded     every {@code Forwarded} field, joined likewise, or null
     */
    public InetAddress clientAddress(InetAddress peer, String xForwardedFor, String forwarded) {
        if (!trusts(peer)) {
            return peer;
        }
        InetAddress fromXff = xForwardedFor == null ? null : walk(peer, xForwardedForEntries(xForwardedFor));
        InetAddress fromForwarded = forwarded == null ? null : walk(peer, forwardedForEntries(forwarded));
        if (fromXff != null && fromForwarded != null) {
            return fromXff.equals(fromForwarded) ? fromXff : peer;
        }
        return fromXff != null ? fromXff : fromForwarded != null ? fromForwarded : peer;
    }

    /** From the right: past trusted proxies to the first address that is not one; stops at an unusable entry. */
    private InetAddress walk(InetAddress peer, List<String> entries) {
        InetAddress current = peer;
        int hops = 0;
        for (int i = entries.size() - 1; i >= 0 && trusts(current) && hops < MAX_HOPS; i--, hops++) {
            InetAddress next = address(entries.get(i));
            if (next == null) {
                break;
            }
            current = next;
        }
        return current;
    }

    private static List<String> xForwardedForEntries(String header) {
        List<String> entries = new ArrayList<>();
        for (String part : header.split(",", -1)) {
            String entry = part.strip();
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * The {@code for=} value of each element of a {@code Forwarded} header, in order; an element
     * without one gives an empty entry, which stops the walk there. Commas and semicolons inside
     * quoted strings do not split.
     */
    static List<String> forwardedForEntries(String header) {
        List<String> entries = new ArrayList<>();
        for (String element : splitOutsideQuotes(header, ',')) {
            if (element.isBlank()) {
                continue; // RFC 9110 list syntax allows empty elements
            }
            String value = "";
            for (String pair : splitOutsideQuotes(element, ';')) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
                    value = unquote(pair.substring(eq + 1).strip());
                    break;
                }
            }
            entries.add(value);
        }
        return entries;
    }

    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++; // quoted-pair
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\", "");
        }
        return value;
    }

    /**
     * An entry as an address: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1},
     * {@code [2001:db8::1]}, {@code [2001:db8::1]:4711}; null for anything else. Never looks a
     * name up.
     */
    static InetAddress address(String entry) {
        String s = entry.strip();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || !(close == s.length() - 1 || isPort(s, close + 1))) {
                return null;
            }
            return ipv6(s.substring(1, close));
        }
        int colon = s.indexOf(':');
        if (colon >= 0 && colon == s.lastIndexOf(':')) { // one colon: IPv4 with a port
            return isPort(s, colon) ? ipv4(s.substring(0, colon)) : null;
        }
        return colon < 0 ? ipv4(s) : ipv6(s);
    }

    private static boolean isPort(String s, int colon) {
        if (colon >= s.length() - 1 || s.charAt(colon) != ':' || s.length() - colon - 1 > 5) {
            return false;
        }
        for (int i = colon + 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(s.substring(colon + 1)) <= 65535;
    }

    /** Dotted-quad only: the JDK would also take {@code 127.1} or {@code 0x7f.1}, and look names up. */
    static Inet4Address ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // never: four bytes
        }
    }

    /** An IPv6 literal without zone; an IPv4-mapped one comes back as the IPv4 address, as the JDK gives peers. */
    static InetAddress ipv6(String s) {
        if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0 || s.charAt(0) == '.') {
            return null; // (the JDK takes a string that starts with neither a hex digit nor ':' for a name)
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return null;
            }
        }
        try {
            // Only hex digits, colons and dots: the JDK parses it as a literal or refuses it, no lookup.
            InetAddress address = InetAddress.getByName(s);
            return address instanceof Inet6Address || address instanceof Inet4Address ? address : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The ranges as they would be given, for the start-up log and the documented default. */
    @Override
    public String toString() {
        if (ranges.isEmpty()) {
            return "none";
        }
        List<String> texts = new ArrayList<>();
        ranges.forEach(r -> texts.add(r.toString()));
        return String.join(",", texts);
    }

    /** One range: an address and how many leading bits of it count. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String addressText = slash < 0 ? text : text.substring(0, slash);
            InetAddress address = addressText.indexOf(':') >= 0 ? ipv6(addressText) : ipv4(addressText);
            if (address == null) {
                throw new IllegalArgumentException("\"" + OriginPolicy.forLog(text)
                        + "\" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.0.2.7, fd00::/8)");
            }
            byte[] bytes = address.getAddress();
            int max = bytes.length * 8;
            int prefix = max;
            if (slash >= 0) {
                String bits = text.substring(slash + 1);
                if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(bits) > max) {
                    throw new IllegalArgumentException("\"" + OriginPolicy.forLog(text) + "\" has a prefix length that is "
                            + "not 0 to " + max);
                }
                prefix = Integer.parseInt(bits);
            }
            byte[] network = masked(bytes, prefix);
            if (!java.util.Arrays.equals(network, bytes)) {
                // Most likely a typo (10.0.0.1/8 for 10.0.0.1/32, or for 10.0.0.0/8): say so rather than guess.
                throw new IllegalArgumentException("\"" + OriginPolicy.forLog(text) + "\" has bits set past its /"
                        + prefix + "; the range is " + format(network) + "/" + prefix);
            }
            return new Cidr(network, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            return bytes.length == network.length && java.util.Arrays.equals(masked(bytes, prefix), network);
        }

        private static byte[] masked(byte[] bytes, int prefix) {
            byte[] out = bytes.clone();
            for (int i = 0; i < out.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
            }
            return out;
        }

        private static String format(byte[] bytes) {
            try {
                String text = InetAddress.getByAddress(bytes).getHostAddress();
                return bytes.length == 16 ? compress(text) : text;
            } catch (UnknownHostException e) {
                return "?";
            }
        }

        /** {@code 2001:db8:0:0:0:0:0:0} as {@code 2001:db8::}: the longest run of zero groups. */
        private static String compress(String full) {
            String[] groups = full.split(":");
            int bestStart = -1;
            int bestLength = 0;
            for (int i = 0; i < groups.length; ) {
                if (groups[i].equals("0")) {
                    int j = i;
                    while (j < groups.length && groups[j].equals("0")) {
                        j++;
                    }
                    if (j - i > bestLength && j - i > 1) {
                        bestStart = i;
                        bestLength = j - i;
                    }
                    i = j;
                } else {
                    i++;
                }
            }
            if (bestStart < 0) {
                return full;
            }
            String left = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
            String right = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
            return left + "::" + right;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr other && other.prefix == prefix && java.util.Arrays.equals(other.network, network);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(network) + prefix;
        }

        @Override
        public String toString() {
            return format(network) + "/" + prefix;
        }
    }
}
