package dev.sori.chat;

import dev.sori.protocol.ChatMessage;
import dev.sori.protocol.Json;
import dev.sori.protocol.MediaInfo;
import dev.sori.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;

/** The chat's events as frames on the wire: the one mapping of a {@link Message} to the protocol. */
final class Frames {
    private Frames() {
    }

    /** A message as clients see it, in {@code message} events, join acks and history. */
    static ChatMessage wire(Message m) {
        return new ChatMessage(m.room(), m.seq(), Uids.of(m.authorId()), m.nick(), m.color(), m.text(),
                wire(m.media()), m.ts(), m.cid(), m.bot() ? Boolean.TRUE : null, m.deleted() ? Boolean.TRUE : null);
    }

    /** Media as clients see it, with where to fetch it; null for none. */
    static MediaInfo wire(Media media) {
        return media == null ? null : new MediaInfo(media.id(), media.type(), media.width(), media.height(),
                media.bytes(), MediaInfo.url(media.id()));
    }

    static List<ChatMessage> wire(List<Message> messages) {
        List<ChatMessage> result = new ArrayList<>(messages.size());
        for (Message m : messages) {
            result.add(wire(m));
        }
        return result;
    }

    /** The {@code message} event, encoded once for every member. */
    static EncodedFrame message(Message m) {
        return event("message", wire(m));
    }

    static EncodedFrame event(String type, Object payload) {
        return EncodedFrame.forMany(Json.write(ServerFrame.event(type, payload)));
    }
}
