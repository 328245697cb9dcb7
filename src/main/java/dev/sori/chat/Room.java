package dev.sori.chat;

import dev.sori.protocol.Acks;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.RoomInfo;
import dev.sori.protocol.Moderated;
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
 * <p>Committed messages reach it only through its {@link Sequencer} ({@link #sequencer}), fed by
 * the {@link RoomBus}: {@link #deliver} sees each seq once, in order. Its counts ({@code count},
 * {@code people}) come from the {@link Presence}, which it tells of every entry and exit.
 *
 * <p>Every change of membership and every delivery happens under the room's lock, and so does
 * queuing the resulting frame to every member: that is what gives all members the same order.
 * The frame is encoded once; network sends happen after the lock is released and never wait for
 * a slow member.
 *
 * <p>A member who has just joined is <em>gated</em> until its join ack (with the history up to
 * the moment it joined) is queued: frames delivered meanwhile wait behind the gate, so the
 * client sees its history, then everything after it, with no gap and no duplicate.
 *
 * <p>In a room of more than {@value #COALESCE_ABOVE} members, joins and leaves are not announced
 * one by one (a join storm would cost N² frames) but collected and sent as one coalesced
 * {@code system} frame per kind at the next {@link #flushPresence} tick (every 250 ms). What is
 * collected goes out before anything else is queued to the room (a message, a rename, typing, a
 * presence event of the other kind), so nobody hears from someone whose join they have not seen,
 * and joins and leaves never overtake each other.
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
    private final FanOut fanOut;
    private final ChatEvents events;
    private final Presence presence;
    private final Sequencer sequencer;
    private Presence.Headcount headcount = Presence.Headcount.EMPTY; // guarded by this

    private final Set<Client> members = new LinkedHashSet<>(); // guarded by this
    private final Map<Client, List<EncodedFrame>> gated = new HashMap<>(); // guarded by this
    /** Who hears the room without being in it (server-sent event streams); not counted anywhere. */
    private final List<RoomWatcher> watchers = new ArrayList<>(); // guarded by this
    /** Whether any watcher is here: delivery encodes their events outside the lock only then. */
    private volatile boolean watched;
    private long lastDelivered; // guarded by this
    private long emptySince; // guarded by this; clock millis, 0 while occupied
    private boolean removed; // guarded by this
    /** The uids kept out of this room (bans), as the catalog has them; read without the lock. */
    private volatile Set<String> banned = Set.of();
    /** Identities that gave the right password since start-up: PBKDF2 is too slow to repeat per tab and reconnect. */
    private final Set<String> admittedIdentities = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_ADMITTED = 10_000;

    /** Rooms up to this size announce every join and leave on its own (the protocol's figure). */
    static final int COALESCE_ABOVE = 100;
    /** A coalesced frame names at most this many people (about 25 KB); a bigger batch goes out at once. */
    static final int MAX_COALESCED = 500;
    private String pendingKind; // guarded by this; join or leave being collected, null when none
    private List<String> pendingNicks; // guarded by this; allocated with the first batch
    private List<String> pendingColors; // guarded by this
    private List<String> pendingUids; // guarded by this
    /** The joiners in the pending batch: a join ack leaves them out of its member list, the batch names them. */
    private Set<Client> pendingJoiners; // guarded by this
    private volatile boolean presencePending;
    private final long loadedNanos = System.nanoTime();

    /**
     * @param ownerId    the owner's identity id, null for {@code general}
     * @param lastSeq    the seq of the room's last stored message
     * @param emptySince clock millis since when the room has been empty
     */
    Room(String id, String title, String ownerId, String ownerNick, Integer max, String passwordHash, long lastSeq,
         long emptySince, LongSupplier clock, int maxGatedFrames, FanOut fanOut, ChatEvents events,
         Presence presence, Sequencer.GapFiller gaps) {
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
        this.fanOut = fanOut;
        this.events = events;
        this.presence = presence;
        this.sequencer = new Sequencer(id, lastSeq, this::deliver, gaps);
        this.headcount = presence.headcount(id); // members other nodes have there already
    }

    /** When this node made the room (created it, or learned of it). */
    long loadedNanos() {
        return loadedNanos;
    }

    /** The last seq delivered to the members here. */
    synchronized long lastDelivered() {
        return lastDelivered;
    }

    /** Where the bus hands this room's committed messages. */
    Sequencer sequencer() {
        return sequencer;
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

    /** Whether the identity of public id {@code uid} owns this room. */
    boolean isOwnedByUid(String uid) {
        return ownerId != null && Uids.of(ownerId).equals(uid);
    }

    /** Whether the identity of public id {@code uid} is banned from this room. */
    boolean isBanned(String uid) {
        return banned.contains(uid);
    }

    /** The room's bans as the catalog has them now (start-up, the sweep). */
    void bansAre(Set<String> uids) {
        banned = Set.copyOf(uids);
    }

    /** A ban or an unban decided (here or on another node). */
    synchronized void banned(String uid, boolean isBanned) {
        Set<String> now = new java.util.HashSet<>(banned);
        if (isBanned ? now.add(uid) : now.remove(uid)) {
            banned = Set.copyOf(now);
        }
    }

    /**
     * A moderator removed the identity {@code uid}: each of its connections here gets
     * {@code kicked} and leaves, and everyone else sees a {@code system} {@code kick} (or
     * {@code ban}) per connection, never coalesced. Returns how many connections left.
     */
    int removeIdentity(String uid, boolean ban, String byNick) {
        String kind = ban ? SystemEvent.BAN : SystemEvent.KICK;
        EncodedFrame kicked = Frames.event("kicked", new Moderated.Kicked(id, byNick, ban ? Boolean.TRUE : null));
        List<Outbox> toFlush = new ArrayList<>();
        int removedHere = 0;
        synchronized (this) {
            if (ban) {
                banned(uid, true);
            }
            for (Client member : List.copyOf(members)) {
                if (!member.identity().uid().equals(uid)) {
                    continue;
                }
                queueTo(member, kicked, toFlush);
                queuePendingPresence(toFlush);
                Presence.Member who = takeOut(member, kind);
                queueSystem(systemEvent(kind, who, null), toFlush);
                removedHere++;
            }
        }
        flush(toFlush);
        return removedHere;
    }

    /**
     * Message {@code seq} was deleted (a tombstone now): everyone here, members and watchers, is
     * told, in order with the messages.
     */
    void messageDeleted(long seq) {
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            queuePendingPresence(toFlush);
            queueToEveryone(RoomEvent.MESSAGE_DELETED, new Moderated.MessageDeleted(id, seq), toFlush);
        }
        flush(toFlush);
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

    /** Connections in the room. */
    public synchronized int count() {
        return headcount.connections();
    }


    synchronized boolean hasMember(Client client) {
        return members.contains(client);
    }

    synchronized RoomInfo info() {
        return new RoomInfo(id, title, headcount.connections(), headcount.people(), max, passwordHash != null, ownerNick,
                ownerId == null ? null : Uids.of(ownerId));
    }

    /** What a newly admitted member needs for its join ack. */
    record Admission(long upTo, int count, int people, List<Acks.Member> members, boolean alreadyMember) {
    }

    /**
     * Adds {@code client} behind a gate and announces it to everyone, the newcomer included (its
     * copy waits behind the gate). Call {@link #open} with the join ack afterwards.
     *
     * @param listMembers whether the admission is to list the members (a join ack does; the
     *                    entry into {@code general} on connect, which has no ack, does not: in a
     *                    big room the list is the biggest cost of an entry)
     * @throws ProtocolException {@code room_full} or {@code not_found} (the room was just removed)
     */
    Admission admit(Client client, boolean listMembers) {
        List<Outbox> toFlush = new ArrayList<>();
        Admission admission;
        synchronized (this) {
            if (removed) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room");
            }
            boolean already = members.contains(client);
            if (!already) {
                // Every node's connections: in a cluster the room is full wherever its members are.
                if (max != null && headcount.connections() >= max) {
                    throw new ProtocolException(ErrorCode.ROOM_FULL, "the room is full (" + max + ")");
                }
                // Pending leaves go out first, to the members they concern and with their count.
                flushPendingOtherThan(SystemEvent.JOIN, toFlush);
                members.add(client);
                Presence.Member who = Presence.Member.of(client.identity());
                headcount = presence.joined(id, who);
                emptySince = 0;
                client.entered(this);
                gated.putIfAbsent(client, new ArrayList<>());
                announce(SystemEvent.JOIN, who, client, toFlush);
            } else {
                gated.putIfAbsent(client, new ArrayList<>());
            }
            if (listMembers) {
                List<Acks.Member> known = memberList(client);
                // The counts of the list, which a pending coalesced batch then completes (see memberList).
                admission = new Admission(lastDelivered, known.size(), distinctUids(known), known, already);
            } else {
                admission = new Admission(lastDelivered, headcount.connections(), headcount.people(), List.of(), already);
            }
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

    /**
     * Adds a watcher, which hears every message delivered after the returned seq (the last one
     * delivered so far) and every {@code system} event from now on; nobody is told of it.
     *
     * @throws ProtocolException {@code not_found} when the room was just removed
     */
    synchronized long watch(RoomWatcher watcher) {
        if (removed) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no such room");
        }
        watchers.add(watcher);
        watched = true;
        return lastDelivered;
    }

    synchronized void unwatch(RoomWatcher watcher) {
        watchers.remove(watcher);
        watched = !watchers.isEmpty();
    }

    /** Watchers now, for tests and {@code /healthz}-like counts. */
    synchronized int watcherCount() {
        return watchers.size();
    }

    /** Removes {@code client} and tells the others. Returns false when it was not a member. */
    boolean leave(Client client) {
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            if (!members.contains(client)) {
                return false;
            }
            // Pending joins go out first, with a count that still includes the leaver.
            flushPendingOtherThan(SystemEvent.LEAVE, toFlush);
            Presence.Member who = takeOut(client, null);
            announce(SystemEvent.LEAVE, who, null, toFlush);
        }
        flush(toFlush);
        return true;
    }

    /**
     * Takes a member out, counts it out of the presence (as a leave, or as a moderator's
     * {@code removedAs}, which the other nodes then announce as such) and notes when the room
     * emptied; returns it as the others are to be told. Called under this room's lock.
     */
    private Presence.Member takeOut(Client client, String removedAs) {
        members.remove(client);
        Presence.Member who = Presence.Member.of(client.identity());
        headcount = removedAs == null ? presence.left(id, who) : presence.removed(id, who, removedAs);
        gated.remove(client);
        client.left(this);
        if (headcount.connections() == 0) {
            emptySince = clock.getAsLong();
        }
        return who;
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
        clearPending();
        presence.forget(id);
        headcount = Presence.Headcount.EMPTY;
        for (RoomWatcher watcher : watchers) {
            watcher.end();
        }
        watchers.clear();
        watched = false;
        return former;
    }

    /** Since when (clock millis) the room has been empty, 0 while someone is in it. */
    synchronized long emptySince() {
        return emptySince;
    }

    void announceRename(Identity who, String oldNick) {
        Presence.Member member = Presence.Member.of(who);
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            queuePendingPresence(toFlush); // announced under the name they had
            queueSystem(systemEvent(SystemEvent.NICK, member, oldNick), toFlush);
            presence.renamed(id, member, oldNick);
        }
        flush(toFlush);
    }

    /** A member on another node entered; {@code after} counts it. */
    void joinedElsewhere(Presence.Member who, Presence.Headcount after) {
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            if (removed) {
                return;
            }
            flushPendingOtherThan(SystemEvent.JOIN, toFlush);
            headcount = after;
            emptySince = 0;
            announce(SystemEvent.JOIN, who, null, toFlush);
        }
        flush(toFlush);
    }

    /** A member on another node left (or its node died); {@code after} no longer counts it. */
    void leftElsewhere(Presence.Member who, Presence.Headcount after) {
        leftElsewhere(who, after, null);
    }

    /**
     * A member on another node left, or was removed by a moderator ({@code removedAs}: kick or
     * ban, announced as such at once, never coalesced; null for a plain leave).
     */
    void leftElsewhere(Presence.Member who, Presence.Headcount after, String removedAs) {
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            if (removed) {
                return;
            }
            flushPendingOtherThan(SystemEvent.LEAVE, toFlush);
            headcount = after;
            if (after.connections() == 0 && emptySince == 0) {
                emptySince = clock.getAsLong();
            }
            if (removedAs != null) {
                queuePendingPresence(toFlush);
                queueSystem(systemEvent(removedAs, who, null), toFlush);
            } else {
                announce(SystemEvent.LEAVE, who, null, toFlush);
            }
        }
        flush(toFlush);
    }

    /** A member on another node renamed. */
    void renamedElsewhere(Presence.Member who, String oldNick) {
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            queuePendingPresence(toFlush);
            queueSystem(systemEvent(SystemEvent.NICK, who, oldNick), toFlush);
        }
        flush(toFlush);
    }

    /** A member on another node is typing. */
    void typingElsewhere(Presence.Member who) {
        EncodedFrame frame = Frames.event("typing", new Typing(id, who.uid(), who.nick(), who.color()));
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            queuePendingPresence(toFlush);
            queueToAll(frame, toFlush);
        }
        flush(toFlush);
    }

    /**
     * Sends committed messages, oldest first, to every member. Called by the room's
     * {@link Sequencer} only, one run at a time, each seq once and in order. Each message is
     * encoded once; a member gets them all in one write (its outbox joins what is queued), so a
     * run of messages that bunched up while the last fan-out was going costs each member one
     * system call, not one per message. A message posted with {@code echo:false} skips the
     * connection that posted it.
     */
    void deliver(List<Message> messages) {
        long started = System.nanoTime();
        int n = messages.size();
        EncodedFrame[] frames = new EncodedFrame[n];
        boolean anyExcept = false;
        for (int i = 0; i < n; i++) {
            Message message = messages.get(i);
            frames[i] = Frames.message(message);
            anyExcept |= message.except() != null;
        }
        RoomEvent[] forWatchers = watched ? watcherEvents(messages) : null; // encoded outside the lock
        List<Outbox> toFlush;
        int queued = 0;
        synchronized (this) {
            lastDelivered = messages.get(n - 1).seq();
            toFlush = new ArrayList<>(members.size());
            queuePendingPresence(toFlush); // the sender's join before its first message
            for (Client member : members) {
                for (int i = 0; i < n; i++) {
                    if (!anyExcept || !member.sid().equals(messages.get(i).except())) {
                        queueTo(member, frames[i], toFlush);
                        queued++;
                    }
                }
            }
            if (forWatchers == null && !watchers.isEmpty()) {
                forWatchers = watcherEvents(messages); // one came since the check above: rare
            }
            if (forWatchers != null) {
                for (RoomWatcher watcher : watchers) {
                    for (RoomEvent event : forWatchers) {
                        watcher.offer(event);
                    }
                }
            }
        }
        flush(toFlush);
        events.delivered(n, queued, System.nanoTime() - started);
    }

    private static RoomEvent[] watcherEvents(List<Message> messages) {
        RoomEvent[] events = new RoomEvent[messages.size()];
        for (int i = 0; i < events.length; i++) {
            events[i] = RoomEvent.of(messages.get(i));
        }
        return events;
    }

    /** Tells the other members that {@code client} is typing. */
    void typing(Client client) {
        Identity who = client.identity();
        EncodedFrame frame = Frames.event("typing", new Typing(id, who.uid(), who.nick(), who.color()));
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            queuePendingPresence(toFlush);
            for (Client member : members) {
                if (member != client) {
                    queueTo(member, frame, toFlush);
                }
            }
            presence.typing(id, Presence.Member.of(who));
        }
        flush(toFlush);
    }

    /**
     * Sends the joins or leaves collected since the last tick as one frame. Called by the hub's
     * housekeeping every 250 ms; cheap when nothing is pending.
     */
    void flushPresence() {
        if (!presencePending) {
            return;
        }
        List<Outbox> toFlush = new ArrayList<>();
        synchronized (this) {
            queuePendingPresence(toFlush);
        }
        flush(toFlush);
    }

    /**
     * Announces {@code who}'s join or leave (the headcount already counts it): at once in a small
     * room, else into the pending batch. A room that had or has more than {@value #COALESCE_ABOVE}
     * connections (on every node) coalesces, and so does one with a batch of this kind pending (an
     * event sent past a pending batch would overtake it). {@code joiner} is the connection here
     * whose join it is, if any.
     */
    private void announce(String kind, Presence.Member who, Client joiner, List<Outbox> toFlush) {
        int now = headcount.connections();
        int before = kind.equals(SystemEvent.JOIN) ? now - 1 : now + 1;
        if (pendingKind == null && Math.max(before, now) <= COALESCE_ABOVE) {
            queueSystem(systemEvent(kind, who, null), toFlush);
            return;
        }
        if (pendingNicks == null) {
            pendingNicks = new ArrayList<>();
            pendingColors = new ArrayList<>();
            pendingUids = new ArrayList<>();
            pendingJoiners = new java.util.HashSet<>();
        }
        pendingKind = kind;
        // The name of this moment: a rename before the batch goes out flushes it first, and then
        // announces old -> new, so the batch must carry the old name.
        pendingNicks.add(who.nick());
        pendingColors.add(who.color());
        pendingUids.add(who.uid());
        if (joiner != null) {
            pendingJoiners.add(joiner);
        }
        presencePending = true;
        if (pendingNicks.size() >= MAX_COALESCED) {
            queuePendingPresence(toFlush);
        }
    }

    /** A join batch and a leave batch never swap places: one of the other kind goes out first. */
    private void flushPendingOtherThan(String kind, List<Outbox> toFlush) {
        if (pendingKind != null && !pendingKind.equals(kind)) {
            queuePendingPresence(toFlush);
        }
    }

    /** Queues the pending batch (if any) to every member, encoded once. A batch of one is an ordinary event. */
    private void queuePendingPresence(List<Outbox> toFlush) {
        if (pendingKind == null) {
            return;
        }
        SystemEvent event = pendingNicks.size() == 1
                ? SystemEvent.of(id, pendingKind, pendingUids.get(0), pendingNicks.get(0), null, pendingColors.get(0),
                        headcount.connections(), headcount.people(), clock.getAsLong())
                : SystemEvent.coalesced(id, pendingKind, List.copyOf(pendingUids), List.copyOf(pendingNicks),
                        List.copyOf(pendingColors), headcount.connections(), headcount.people(), clock.getAsLong());
        clearPending();
        queueSystem(event, toFlush);
    }

    private void clearPending() {
        pendingKind = null;
        if (pendingNicks != null) {
            pendingNicks.clear();
            pendingColors.clear();
            pendingUids.clear();
            pendingJoiners.clear();
        }
        presencePending = false;
    }

    private SystemEvent systemEvent(String kind, Presence.Member who, String old) {
        return SystemEvent.of(id, kind, who.uid(), who.nick(), old, who.color(), headcount.connections(),
                headcount.people(), clock.getAsLong());
    }

    /** A {@code system} event to every member and every watcher. */
    private void queueSystem(SystemEvent event, List<Outbox> toFlush) {
        queueToEveryone(RoomEvent.SYSTEM, event, toFlush);
    }

    /** An event that is not a stored message to every member and every watcher, encoded once for each. */
    private void queueToEveryone(String type, Object payload, List<Outbox> toFlush) {
        queueToAll(Frames.event(type, payload), toFlush);
        if (!watchers.isEmpty()) {
            RoomEvent watched = new RoomEvent(type, 0, Json.write(payload));
            for (RoomWatcher watcher : watchers) {
                watcher.offer(watched);
            }
        }
    }

    /**
     * The members {@code joiner} is told about in its join ack: everyone except those whose join
     * is still pending (the coalesced frame will name them, so each is seen exactly once), and
     * always the joiner itself, as in a small room.
     */
    private List<Acks.Member> memberList(Client joiner) {
        List<Acks.Member> list = new ArrayList<>(members.size());
        for (Client member : members) {
            if (member == joiner || pendingJoiners == null || !pendingJoiners.contains(member)) {
                list.add(new Acks.Member(member.identity().uid(), member.identity().nick(), member.identity().color()));
            }
        }
        for (Presence.Member elsewhere : presence.elsewhere(id)) {
            list.add(new Acks.Member(elsewhere.uid(), elsewhere.nick(), elsewhere.color()));
        }
        return list;
    }

    private static int distinctUids(List<Acks.Member> members) {
        Set<String> uids = new java.util.HashSet<>();
        for (Acks.Member m : members) {
            uids.add(m.uid());
        }
        return uids.size();
    }

    private void queueToAll(EncodedFrame frame, List<Outbox> toFlush) {
        for (Client member : members) {
            queueTo(member, frame, toFlush);
        }
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
        // Several frames in a row for one member need one flush.
        if (outbox.offer(frame) && (toFlush.isEmpty() || toFlush.get(toFlush.size() - 1) != outbox)) {
            toFlush.add(outbox);
        }
    }

    private void flush(List<Outbox> outboxes) {
        fanOut.flush(outboxes);
    }

    @Override
    public String toString() {
        return "Room[" + id + "]";
    }
}
