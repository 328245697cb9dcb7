package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The payload of {@code typing}, sent to the other members of the room. */
@JsonbPropertyOrder({"room", "nick", "color"})
public record Typing(String room, String nick, String color) {
}
