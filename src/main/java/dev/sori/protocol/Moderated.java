package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** Payloads of moderation's events (protocol 1.1, "Moderation"). */
public final class Moderated {
    private Moderated() {
    }

    /**
     * {@code kicked}, to each connection of the identity removed from {@code room}; {@code by} is the
     * moderator's nickname, {@code banned} true (else left out) when it may not come back.
     */
    @JsonbPropertyOrder({"room", "by", "banned"})
    public record Kicked(String room, String by, Boolean banned) {
    }

    /** {@code message_deleted}, to everyone in {@code room}: message {@code seq} is now a tombstone. */
    @JsonbPropertyOrder({"room", "seq"})
    public record MessageDeleted(String room, long seq) {
    }
}
