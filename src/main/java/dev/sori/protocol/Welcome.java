package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The payload of {@code welcome}, the first frame of every connection. */
@JsonbPropertyOrder({"sid", "token", "nick", "color", "room", "server", "limits"})
public record Welcome(String sid, String token, String nick, String color, String room,
                      ServerInfo server, Limits limits) {

    public record ServerInfo(String name, String version) {
    }

    @JsonbPropertyOrder({"maxMessageChars", "maxNickChars"})
    public record Limits(int maxMessageChars, int maxNickChars) {
    }
}
