package dev.sori.chat;

import dev.sori.protocol.ChatMessage;
import dev.sori.protocol.Json;
import dev.sori.protocol.ServerFrame;
import dev.sori.protocol.SystemEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A room: its members and its message sequence. Everything that changes the room happens under
 * its lock, and so does queuing the resulting frame to every member, which is what gives all
 * members the same order. The frame is encoded once; the network sends happen after the lock
 * is released, on the caller's thread, and never wait for a slow member.
 */
public final class Room {
    private final String name;
    private final LongSupplier clock;
    private final Set<Client> members = new LinkedHashSet<>(); // guarded by this
    private long lastSeq; // guarded by this

    Room(String name, LongSupplier clock) {
        this.name = name;
        this.clock = clock;
    }

    public String name() {
        return name;
    }

    public synchronized int count() {
        return members.size();
    }

    /** Adds {@code client} and announces it to everyone in the room, the newcomer included. */
    void join(Client client) {
        List<Outbox> toFlush;
        synchronized (this) {
            if (!members.add(client)) {
                return;
            }
            client.entered(this);
            toFlush = queueToAll(systemEvent(SystemEvent.JOIN, client.identity().nick(), null));
        }
        flush(toFlush);
    }

    /** Removes {@code client} and tells the others. */
    void leave(Client client) {
        List<Outbox> toFlush;
        synchronized (this) {
            if (!members.remove(client)) {
                return;
            }
            client.left(this);
            toFlush = queueToAll(systemEvent(SystemEvent.LEAVE, client.identity().nick(), null));
        }
        flush(toFlush);
    }

    void announceRename(String oldNick, String newNick) {
        List<Outbox> toFlush;
        synchronized (this) {
            toFlush = queueToAll(systemEvent(SystemEvent.NICK, newNick, oldNick));
        }
        flush(toFlush);
    }

    /** Gives the message the room's next {@code seq} and delivers it to every member. */
    ChatMessage post(Identity author, String text) {
        List<Outbox> toFlush;
        ChatMessage message;
        synchronized (this) {
            message = new ChatMessage(name, ++lastSeq, author.nick(), author.color(), text, clock.getAsLong());
            toFlush = queueToAll(EncodedFrame.of(Json.write(ServerFrame.event("message", message))));
        }
        flush(toFlush);
        return message;
    }

    private EncodedFrame systemEvent(String kind, String nick, String old) {
        SystemEvent event = new SystemEvent(name, kind, nick, old, members.size(), clock.getAsLong());
        return EncodedFrame.of(Json.write(ServerFrame.event("system", event)));
    }

    private List<Outbox> queueToAll(EncodedFrame frame) {
        List<Outbox> toFlush = new ArrayList<>(members.size());
        for (Client member : members) {
            Outbox outbox = member.outbox();
            if (outbox.offer(frame)) {
                toFlush.add(outbox);
            }
        }
        return toFlush;
    }

    private static void flush(List<Outbox> outboxes) {
        for (Outbox outbox : outboxes) {
            outbox.flush();
        }
    }
}
