package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The payload of {@code message}, and a message in {@code history}: one posted message as every
 * member of the room sees it. {@code uid} is the author's public id (null, left out, for a message
 * without an identity); {@code cid} the author's client id for it, when it gave one; {@code media}
 * the image it carries, {@code text} being then its caption; {@code bot} is {@code true} for a
 * message a program posted through the HTTP API, and left out (null) for a person's;
 * {@code deleted} true (else left out) for a message a moderator or its author deleted, kept as
 * a tombstone without text or media.
 */
@JsonbPropertyOrder({"room", "seq", "uid", "nick", "color", "text", "media", "ts", "cid", "bot", "deleted"})
public record ChatMessage(String room, long seq, String uid, String nick, String color, String text, MediaInfo media,
                          long ts, String cid, Boolean bot, Boolean deleted) {

    /** A person's message, not deleted. */
    public ChatMessage(String room, long seq, String uid, String nick, String color, String text, MediaInfo media,
                       long ts, String cid) {
        this(room, seq, uid, nick, color, text, media, ts, cid, null, null);
    }
}
