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

    /** Ack of {@code new_message}: where the message went and its place in the room. */
    @JsonbPropertyOrder({"room", "seq"})
    public record Posted(String room, long seq) {
    }

    /** Ack of {@code join} and {@code create_room}. */
    @JsonbPropertyOrder({"room", "title", "count", "members", "history", "recovered"})
    public record Joined(String room, String title, int count, List<Member> members, List<ChatMessage> history,
                         boolean recovered) {
    }

    /** One entry of {@link Joined#members}. */
    public record Member(String nick, String color) {
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
