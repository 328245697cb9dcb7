package dev.sori.http;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The answer to a publish: where the message is ({@code room}, {@code seq}), and
 * {@code duplicate: true} when its {@code cid} was stored before (left out otherwise).
 */
@JsonbPropertyOrder({"room", "seq", "duplicate"})
public record Published(String room, long seq, Boolean duplicate) {
}
