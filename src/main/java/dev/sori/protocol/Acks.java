package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** Payloads of {@code ack} replies. */
public final class Acks {
    private Acks() {
    }

    /** Ack of {@code nickname}. */
    public record Nick(String nick, String color) {
    }

    /** Ack of {@code new_message}: where the message went and its place in the room. */
    @JsonbPropertyOrder({"room", "seq"})
    public record Posted(String room, long seq) {
    }

    /** The {@code {}} ack of requests that return nothing. */
    public record Empty() {
    }
}
