package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** Payloads of {@code ack} replies. */
public final class Acks {
    private Acks() {
    }

    /** Ack of {@code nickname}. */
    public record Nick(String nick, String color) {
    }

    /**
     * Ack of {@code new_message}: where the message went and its place in the room; the request's
     * {@code cid}, and {@code duplicate: true} when that cid had been stored already (then
     * {@code room} and {@code seq} are the original's). Nulls are left out.
     */
    @JsonbPropertyOrder({"room", "seq", "cid", "duplicate"})
    public record Posted(String room, long seq, String cid, Boolean duplicate) {
    }

    /** Ack of {@code join} and {@code create_room}: {@code count} connections, {@code people} identities. */
    @JsonbPropertyOrder({"room", "title", "count", "people", "members", "history", "recovered"})
    public record Joined(String room, String title, int count, int people, List<Member> members,
                         List<ChatMessage> history, boolean recovered) {
    }

    /** One entry of {@link Joined#members}: one per connection, so a person in two tabs is there twice. */
    @JsonbPropertyOrder({"uid", "nick", "color"})
    public record Member(String uid, String nick, String color) {
    }

    /** Ack of {@code list_rooms}. */
    public record Rooms(List<RoomInfo> rooms) {
    }

    /** Ack of {@code history}: oldest first. */
    public record History(List<ChatMessage> messages) {
    }

    /** The {@code {}} ack of requests that return nothing. */
    public record Empty() {
    }
}
