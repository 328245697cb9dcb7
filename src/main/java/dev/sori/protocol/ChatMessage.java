package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The payload of {@code message}: one posted message as every member of the room sees it. */
@JsonbPropertyOrder({"room", "seq", "nick", "color", "text", "ts"})
public record ChatMessage(String room, long seq, String nick, String color, String text, long ts) {
}
