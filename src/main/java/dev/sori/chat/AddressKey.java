package dev.sori.chat;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The key per-address limits count by: an IPv4 address as it is, an IPv6 address by its /64
 * prefix. One host usually holds a whole IPv6 /64 (SLAAC, privacy addresses), so counting single
 * IPv6 addresses would let one machine open a fresh "address" per connection.
 */
public final class AddressKey {
    private AddressKey() {
    }

    /** The key of {@code address}, or null when the address is unknown. */
    public static String of(InetAddress address) {
        if (address == null) {
            return null;
        }
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            sb.append(Integer.toHexString(((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF))).append(':');
        }
        return sb.append(":/64").toString();
    }
}
