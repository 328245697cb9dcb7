package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** The payload of {@code welcome}, the first frame of every connection. */
@JsonbPropertyOrder({"sid", "uid", "token", "nick", "color", "room", "server", "limits"})
public record Welcome(String sid, String uid, String token, String nick, String color, String room,
                      ServerInfo server, Limits limits) {

    /**
     * {@code protocol} is the version the server implements in full; {@code features} lists the
     * parts of later versions it already has (protocol 1.1 says "1.1" only once all of it is in).
     */
    @JsonbPropertyOrder({"name", "version", "protocol", "features"})
    public record ServerInfo(String name, String version, String protocol, List<String> features) {
        /** The protocol version implemented in full. */
        public static final String PROTOCOL = "1";
        /** The parts of protocol 1.1 implemented so far. */
        public static final List<String> FEATURES = List.of("uid", "people", "cid", "echo", "media");
    }

    /** {@code maxUploadBytes}: the largest image {@code POST /media} takes. */
    @JsonbPropertyOrder({"maxMessageChars", "maxNickChars", "maxUploadBytes"})
    public record Limits(int maxMessageChars, int maxNickChars, long maxUploadBytes) {
    }
}
