package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The payload of {@code typing}, sent to the other members of the room. */
@JsonbPropertyOrder({"room", "uid", "nick", "color"})
public record Typing(String room, String uid, String nick, String color) {
}
