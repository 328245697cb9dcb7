package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The payload of {@code message}, and a message in {@code history}: one posted message as every
 * member of the room sees it. {@code uid} is the author's public id (null, left out, for a message
 * without an identity); {@code cid} the author's client id for it, when it gave one; {@code media}
 * the image it carries, {@code text} being then its caption.
 */
@JsonbPropertyOrder({"room", "seq", "uid", "nick", "color", "text", "media", "ts", "cid"})
public record ChatMessage(String room, long seq, String uid, String nick, String color, String text, MediaInfo media,
                          long ts, String cid) {
}
