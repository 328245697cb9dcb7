package dev.sori.store;

import dev.sori.chat.Message;
import java.util.List;

/**
 * The answer to "what did I miss since {@code seq}?".
 *
 * @param messages  when {@code recovered}, exactly the messages after the asked {@code since},
 *                  in seq order, possibly none; otherwise the latest page, in seq order
 * @param recovered whether {@code messages} is the complete continuation
 * @param lastSeq   the room's last seq when it was read; every message up to it is committed
 */
public record Recovery(List<Message> messages, boolean recovered, long lastSeq) {
    public Recovery {
        messages = List.copyOf(messages);
    }
}
