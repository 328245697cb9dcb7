package dev.sori.chat;

import dev.sori.protocol.Acks;
import dev.sori.protocol.ChatMessage;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.RoomInfo;
import dev.sori.protocol.ServerFrame;
import dev.sori.protocol.SystemEvent;
import dev.sori.protocol.Typing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A room: its members, what it delivers to them, and who may enter.
 *
 * <p>Every change of membership and every delivery happens under the room's lock, and so does
 * queuing the resulting frame to every member: that is what gives all members the same order.
 * The frame is encoded once; network sends happen after the lock is released and never wait for
 * a slow member.
 *
 * <p>A member who has just joined is <em>gated</em> until its join ack (with the history up to
 * the moment it joined) is queued: frames delivered meanwhile wait behind the gate, so the
 * client sees its history, then everything after it, with no gap and no duplicate.
 */
public final class Room {
    private final String id;
    private final String title;
    private final String ownerId;
    private volatile String ownerNick;
    private final Integer max;
    private final String passwordHash;
    private final LongSupplier clock;
    private final int maxGatedFrames;

    private final Set<Client> members = new LinkedHashSet<>(); // guarded by this
    private final Map<Client, List<EncodedFrame>> gated = new HashMap<>(); // guarded by this
    private long lastDelivered; // guarded by this
    private long emptySince; // guarded by this; clock millis, 0 while occupied
    private boolean removed; // guarded by this
    /** Identities that gave the right password since start-up: PBKDF2 is too slow to repeat per tab and reconnect. */
    private final Set<String> admittedIdentities = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_ADMITTED = 10_000;

    /**
     * @param ownerId    the owner's identity id, null for {@code general}
     * @param lastSeq    the seq of the room's last stored message
     * @param emptySince clock millis since when the room has been empty
     */
    Room(String id, String title, String ownerId, String ownerNick, Integer max, String passwordHash, long lastSeq,
         long emptySince, LongSupplier clock, int maxGatedFrames) {
        this.id = id;
        this.title = title;
        this.ownerId = ownerId;
        this.ownerNick = ownerNick;
        this.max = max;
        this.passwordHash = passwordHash;
        this.lastDelivered = lastSeq;
        this.emptySince = emptySince;
        this.clock = clock;
        this.maxGatedFrames = maxGatedFrames;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** Whether {@code identity} may enter without giving the password (again). */
    boolean admitsWithoutPassword(Identity identity) {
        return passwordHash == null || isOwnedBy(identity) || admittedIdentities.contains(identity.id());
    }

    /** {@code identity} gave the right password. */
    void passwordAccepted(Identity identity) {
        if (admittedIdentities.size() < MAX_ADMITTED) {
            admittedIdentities.add(identity.id());
        }
    }

    boolean isOwnedBy(Identity identity) {
        return ownerId != null && ownerId.equals(identity.id());
    }

    void ownerRenamed(String nick) {
        ownerNick = nick;
    }

    boolean isLocked() {
        return passwordHash != null;
    }

    String passwordHash() {
        return passwordHash;
    }

    public synchronized int count() {
        return members.size();
    }

    synchronized boolean hasMember(Client client) {
        return members.contains(client);
    }

    synchronized RoomInfo info() {
        return new RoomInfo(id, title, members.size(), max, passwordHash != null, ownerNick);
    }

    /** What a newly admitted member needs for its join ack. */
    record Admission(long upTo, int count, List<Acks.Member> members, boolean alreadyMember) {
    }

    /**
     * Adds {@code client} behind a gate and announces it to everyone, the newcomer included (its
     * copy waits behind the gate). Call {@link #open} with the join ack afterwards.
     *
     * @throws ProtocolException {@code room_full} or {@code not_found} (the room was just removed)
     */
    Admission admit(Client client) {
        List<Outbox> toFlush;
        Admission admission;
        synchronized (this) {
            if (removed) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room");
            }
            boolean already = members.contains(client);
            if (!already) {
                if (max != null && members.size() >= max) {
                    throw new ProtocolException(ErrorCode.ROOM_FULL, "the room is full (" + max + ")");
                }
                members.add(client);
                emptySince = 0;
                client.entered(this);
            }
            gated.putIfAbsent(client, new ArrayList<>());
            toFlush = already ? List.of()
                    : queueToAll(systemEvent(SystemEvent.JOIN, client.identity(), null));
            admission = new Admission(lastDelivered, members.size(), memberList(), already);
        }
        flush(toFlush);
        return admission;
    }

    /** Queues the join ack (if any) to {@code client}, then whatever waited behind its gate, and lifts the gate. */
    void open(Client client, EncodedFrame ack) {
        List<EncodedFrame> waiting;
        synchronized (this) {
            waiting = gated.remove(client);
            if (waiting == null) {
                waiting = List.of();
            }
            Outbox outbox = client.outbox();
            if (ack != null) {
                outbox.offer(ack);
            }
            for (EncodedFrame frame : waiting) {
                outbox.offer(frame);
            }
        }
        client.outbox().flush();
    }

    /** Removes {@code client} and tells the others. Returns false when it was not a member. */
    boolean leave(Client client) {
        List<Outbox> toFlush;
        synchronized (this) {
            if (!members.remove(client)) {
                return false;
            }
            gated.remove(client);
            client.left(this);
            if (members.isEmpty()) {
                emptySince = clock.getAsLong();
            }
            toFlush = queueToAll(systemEvent(SystemEvent.LEAVE, client.identity(), null));
        }
        flush(toFlush);
        return true;
    }

    /** Empties the room for good; returns who was in it. */
    synchronized List<Client> remove() {
        removed = true;
        List<Client> former = List.copyOf(members);
        for (Client member : former) {
            member.left(this);
        }
        members.clear();
        gated.clear();
        return former;
    }

    /** Since when (clock millis) the room has been empty, 0 while someone is in it. */
    synchronized long emptySince() {
        return emptySince;
    }

    void announceRename(Identity who, String oldNick) {
        List<Outbox> toFlush;
        synchronized (this) {
            toFlush = queueToAll(systemEvent(SystemEvent.NICK, who, oldNick));
        }
        flush(toFlush);
    }

    /** Sends a stored message to every member. Called through the {@link MessageLog}'s delivery, in seq order. */
    void deliver(ChatMessage message) {
        EncodedFrame frame = EncodedFrame.of(Json.write(ServerFrame.event("message", message)));
        List<Outbox> toFlush;
        synchronized (this) {
            lastDelivered = Math.max(lastDelivered, message.seq());
            toFlush = queueToAll(frame);
        }
        flush(toFlush);
    }

    /** Tells the other members that {@code client} is typing. */
    void typing(Client client) {
        Identity who = client.identity();
        EncodedFrame frame = EncodedFrame.of(Json.write(ServerFrame.event("typing",
                new Typing(id, who.nick(), who.color()))));
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            for (Client member : members) {
                if (member != client) {
                    queueTo(member, frame, toFlush);
                }
            }
        }
        flush(toFlush);
    }

    private EncodedFrame systemEvent(String kind, Identity who, String old) {
        SystemEvent event = new SystemEvent(id, kind, who.nick(), old, who.color(), members.size(), clock.getAsLong());
        return EncodedFrame.of(Json.write(ServerFrame.event("system", event)));
    }

    private List<Acks.Member> memberList() {
        List<Acks.Member> list = new ArrayList<>(members.size());
        for (Client member : members) {
            list.add(new Acks.Member(member.identity().nick(), member.identity().color()));
        }
        return list;
    }

    private List<Outbox> queueToAll(EncodedFrame frame) {
        List<Outbox> toFlush = new ArrayList<>(members.size());
        for (Client member : members) {
            queueTo(member, frame, toFlush);
        }
        return toFlush;
    }

    private void queueTo(Client member, EncodedFrame frame, List<Outbox> toFlush) {
        List<EncodedFrame> gate = gated.get(member);
        if (gate != null) {
            if (gate.size() >= maxGatedFrames) {
                member.outbox().abandon(); // as slow as a full outbox
            } else {
                gate.add(frame);
            }
            return;
        }
        Outbox outbox = member.outbox();
        if (outbox.offer(frame)) {
            toFlush.add(outbox);
        }
    }

    private static void flush(List<Outbox> outboxes) {
        for (Outbox outbox : outboxes) {
            outbox.flush();
        }
    }

    @Override
    public String toString() {
        return "Room[" + id + "]";
    }
}
