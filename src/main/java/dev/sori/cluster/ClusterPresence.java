package dev.sori.cluster;

import dev.sori.chat.Presence;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link Presence} of a cluster: counts, member lists and announcements of every node.
 *
 * <p>Each node owns its members and numbers what happens to them (entries, exits, renames) per
 * incarnation; the others apply each node's events in order. A gap in the numbers (a lost
 * publish: the heartbeat carries the last number), an unknown node or a new incarnation makes a
 * node ask for a snapshot of that node's members, which replaces what it knew and is announced
 * as the difference. A node that dies or says goodbye takes its members along: they leave
 * everywhere, announced like any leave (coalesced in big rooms).
 *
 * <p>All state is under one lock, taken for microseconds; what other nodes did reaches the
 * listener in order, outside that lock, one call at a time.
 */
public final class ClusterPresence implements Presence {
    private static final System.Logger LOG = System.getLogger(ClusterPresence.class.getName());
    private static final long ASK_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Listener NOBODY = new Listener() {
        @Override
        public void joined(String room, Member who, Headcount after) {
        }

        @Override
        public void left(String room, Member who, Headcount after) {
        }

        @Override
        public void renamed(String room, Member who, String oldNick) {
        }

        @Override
        public void typing(String room, Member who) {
        }
    };

    private final ClusterNode node;
    private final Object lock = new Object();
    /** Held while the listener is called, and around computing what to call: keeps calls in order. */
    private final Object calling = new Object();
    private final Map<String, Tally> tallies = new HashMap<>(); // guarded by lock
    private final Roster local = new Roster(); // guarded by lock
    private final Map<String, Remote> remotes = new HashMap<>(); // guarded by lock
    private long lastEvent; // guarded by lock
    private volatile Listener listener = NOBODY;

    ClusterPresence(ClusterNode node) {
        this.node = node;
    }

    /** The connections of one room on every node, per identity. */
    private static final class Tally {
        final Map<String, Integer> perIdentity = new HashMap<>();
        int connections;

        void add(String identityId, int n) {
            connections += n;
            perIdentity.merge(identityId, n, Integer::sum);
        }

        void remove(String identityId, int n) {
            connections -= n;
            perIdentity.computeIfPresent(identityId, (k, v) -> v - n <= 0 ? null : v - n);
        }

        Headcount headcount() {
            return new Headcount(connections, perIdentity.size());
        }
    }

    /** One member of one room on one node: how it shows, and its connections there. */
    private static final class Entry {
        Member who;
        int connections;

        Entry(Member who) {
            this.who = who;
        }
    }

    /** One node's members: room, then identity. */
    private static final class Roster {
        final Map<String, Map<String, Entry>> rooms = new HashMap<>();

        void add(String room, Member who, int n) {
            Entry e = rooms.computeIfAbsent(room, r -> new HashMap<>()).computeIfAbsent(who.identityId(), i -> new Entry(who));
            e.who = who;
            e.connections += n;
        }

        /** Removes one connection; false when there was none. */
        boolean remove(String room, Member who) {
            Map<String, Entry> members = rooms.get(room);
            Entry e = members == null ? null : members.get(who.identityId());
            if (e == null) {
                return false;
            }
            if (--e.connections <= 0) {
                members.remove(who.identityId());
                if (members.isEmpty()) {
                    rooms.remove(room);
                }
            }
            return true;
        }

        void rename(String room, Member who) {
            Map<String, Entry> members = rooms.get(room);
            Entry e = members == null ? null : members.get(who.identityId());
            if (e != null) {
                e.who = who;
            }
        }

        List<ClusterFrames.SnapshotEntry> entries() {
            List<ClusterFrames.SnapshotEntry> all = new ArrayList<>();
            rooms.forEach((room, members) -> members.values()
                    .forEach(e -> all.add(new ClusterFrames.SnapshotEntry(room, e.who, e.connections))));
            return all;
        }
    }

    /** What this node knows of another. */
    private static final class Remote {
        final long incarnation;
        long lastEvent;
        boolean awaitingSnapshot = true;
        long askedNanos;
        final Roster roster = new Roster();

        Remote(long incarnation) {
            this.incarnation = incarnation;
        }
    }

    // ---- this node's members -------------------------------------------------------------

    @Override
    public Headcount joined(String room, Member who) {
        synchronized (lock) {
            local.add(room, who, 1);
            Tally tally = tallies.computeIfAbsent(room, r -> new Tally());
            tally.add(who.identityId(), 1);
            announce(ClusterFrames.JOINED, room, who, null);
            return tally.headcount();
        }
    }

    @Override
    public Headcount left(String room, Member who) {
        return removed(room, who, null);
    }

    /** A leave; {@code kind} (kick, ban) travels in the event's otherwise unused name field, null for a leave. */
    @Override
    public Headcount removed(String room, Member who, String kind) {
        synchronized (lock) {
            Tally tally = tallies.get(room);
            if (!local.remove(room, who) || tally == null) {
                return tally == null ? Headcount.EMPTY : tally.headcount(); // not counted here
            }
            tally.remove(who.identityId(), 1);
            announce(ClusterFrames.LEFT, room, who, kind);
            return tally.headcount();
        }
    }

    @Override
    public void renamed(String room, Member who, String oldNick) {
        synchronized (lock) {
            local.rename(room, who);
            announce(ClusterFrames.RENAMED, room, who, oldNick);
        }
    }

    @Override
    public void typing(String room, Member who) {
        node.publish(ClusterFrames.TYPING, ClusterFrames.typing(room, who)); // not numbered: losing one is fine
    }

    /** Numbers and publishes one of this node's events; under the lock, so numbers follow the changes. */
    private void announce(byte change, String room, Member who, String oldNick) {
        long number = ++lastEvent;
        node.publish(ClusterFrames.PRESENCE,
                ClusterFrames.presence(new ClusterFrames.PresenceEvent(number, change, room, who, oldNick)));
    }

    @Override
    public Headcount headcount(String room) {
        synchronized (lock) {
            Tally tally = tallies.get(room);
            return tally == null ? Headcount.EMPTY : tally.headcount();
        }
    }

    @Override
    public void forget(String room) {
        synchronized (lock) {
            tallies.remove(room);
            local.rooms.remove(room);
            for (Remote r : remotes.values()) {
                r.roster.rooms.remove(room);
            }
        }
    }

    @Override
    public List<Member> elsewhere(String room) {
        List<Member> members = new ArrayList<>();
        synchronized (lock) {
            for (Remote r : remotes.values()) {
                Map<String, Entry> there = r.roster.rooms.get(room);
                if (there != null) {
                    for (Entry e : there.values()) {
                        for (int i = 0; i < e.connections; i++) {
                            members.add(e.who);
                        }
                    }
                }
            }
        }
        return members;
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
    }

    @Override
    public boolean removesEmptyRooms() {
        return node.leads();
    }

    /** Whether every node heard so far has sent its members (no snapshot is awaited). */
    boolean knowsEveryone() {
        synchronized (lock) {
            for (Remote r : remotes.values()) {
                if (r.awaitingSnapshot) {
                    return false;
                }
            }
            return true;
        }
    }

    long lastEvent() {
        synchronized (lock) {
            return lastEvent;
        }
    }

    void sendSnapshot() {
        synchronized (lock) {
            node.publish(ClusterFrames.SNAPSHOT, ClusterFrames.snapshot(lastEvent, local.entries()));
        }
    }

    // ---- other nodes' members ------------------------------------------------------------

    /**
     * Changes the state under the lock; what the listener is to hear is collected there and told
     * after it, in order, one call at a time.
     */
    private void change(java.util.function.Consumer<List<Runnable>> under) {
        synchronized (calling) {
            List<Runnable> calls = new ArrayList<>();
            synchronized (lock) {
                under.accept(calls);
            }
            calls.forEach(Runnable::run);
        }
    }

    /** One numbered event of another node, applied in order, or a snapshot asked for on a gap. */
    void event(ClusterFrames.Header from, ClusterFrames.PresenceEvent event) {
        change(calls -> {
            Remote r = remote(from, calls);
            if (r.awaitingSnapshot) {
                askIfDue(from.origin(), r);
            } else if (event.number() != r.lastEvent + 1) {
                LOG.log(Level.DEBUG, "cluster presence: node {0} event {1} after {2}; asking for a snapshot",
                        from.origin(), event.number(), r.lastEvent);
                ask(from.origin(), r);
            } else {
                r.lastEvent = event.number();
                apply(r, event, calls);
            }
        });
    }

    private void apply(Remote r, ClusterFrames.PresenceEvent event, List<Runnable> calls) {
        String room = event.room();
        Member who = event.who();
        switch (event.change()) {
            case ClusterFrames.JOINED -> {
                r.roster.add(room, who, 1);
                Tally tally = tallies.computeIfAbsent(room, k -> new Tally());
                tally.add(who.identityId(), 1);
                Headcount after = tally.headcount();
                calls.add(() -> listener.joined(room, who, after));
            }
            case ClusterFrames.LEFT -> {
                Tally tally = tallies.get(room);
                if (r.roster.remove(room, who) && tally != null) {
                    tally.remove(who.identityId(), 1);
                    Headcount after = tally.headcount();
                    String kind = event.oldNick(); // a moderator's removal, or null for a leave
                    calls.add(() -> {
                        if (kind == null) {
                            listener.left(room, who, after);
                        } else {
                            listener.removed(room, who, after, kind);
                        }
                    });
                }
            }
            case ClusterFrames.RENAMED -> {
                r.roster.rename(room, who);
                String old = event.oldNick();
                calls.add(() -> listener.renamed(room, who, old));
            }
            default -> LOG.log(Level.DEBUG, "cluster presence: unknown change {0}", event.change());
        }
    }

    /** Another node's heartbeat: a higher last event than seen means events were lost. */
    void heartbeat(ClusterFrames.Header from, long theirLastEvent) {
        change(calls -> {
            Remote r = remote(from, calls);
            if (r.awaitingSnapshot) {
                askIfDue(from.origin(), r);
            } else if (theirLastEvent > r.lastEvent) {
                ask(from.origin(), r);
            }
        });
    }

    /** A node's members as of its event {@code number}: replaces what was known, announcing the difference. */
    void snapshot(ClusterFrames.Header from, long number, List<ClusterFrames.SnapshotEntry> entries) {
        change(calls -> {
            Remote r = remote(from, calls);
            if (number < r.lastEvent) {
                return; // older than what was applied: another node's answer, long on its way
            }
            Roster fresh = new Roster();
            for (ClusterFrames.SnapshotEntry e : entries) {
                fresh.add(e.room(), e.who(), e.connections());
            }
            replace(r.roster, fresh, calls);
            r.lastEvent = number;
            r.awaitingSnapshot = false;
        });
    }

    /** A node died or said goodbye: its members leave everywhere. */
    void nodeGone(String origin) {
        change(calls -> {
            Remote r = remotes.remove(origin);
            if (r != null) {
                replace(r.roster, new Roster(), calls);
            }
        });
    }

    void typingElsewhere(String room, Member who) {
        synchronized (calling) {
            listener.typing(room, who);
        }
    }

    /** After this node's link was down: what every other node has now. */
    void askEveryone() {
        synchronized (lock) {
            long now = System.nanoTime();
            for (Remote r : remotes.values()) {
                r.awaitingSnapshot = true;
                r.askedNanos = now;
            }
        }
        node.publish(ClusterFrames.SNAPSHOT_REQUEST, ClusterFrames.snapshotRequest(""));
    }

    /** The remote state of {@code from}'s node, new (and asked for a snapshot) when unknown or restarted. */
    private Remote remote(ClusterFrames.Header from, List<Runnable> calls) {
        Remote r = remotes.get(from.origin());
        if (r != null && r.incarnation == from.incarnation()) {
            return r;
        }
        if (r != null) { // restarted: its former members are gone
            replace(r.roster, new Roster(), calls);
        }
        Remote fresh = new Remote(from.incarnation());
        remotes.put(from.origin(), fresh);
        ask(from.origin(), fresh);
        return fresh;
    }

    private void ask(String origin, Remote r) {
        r.awaitingSnapshot = true;
        r.askedNanos = System.nanoTime();
        node.publish(ClusterFrames.SNAPSHOT_REQUEST, ClusterFrames.snapshotRequest(origin));
    }

    private void askIfDue(String origin, Remote r) {
        if (System.nanoTime() - r.askedNanos > ASK_AGAIN_NANOS) {
            ask(origin, r);
        }
    }

    /** Turns {@code old} into {@code fresh} (in place), counting and announcing each connection that came or went. */
    private void replace(Roster old, Roster fresh, List<Runnable> calls) {
        Set<String> rooms = new HashSet<>(old.rooms.keySet());
        rooms.addAll(fresh.rooms.keySet());
        for (String room : rooms) {
            Map<String, Entry> before = old.rooms.getOrDefault(room, Map.of());
            Map<String, Entry> after = fresh.rooms.getOrDefault(room, Map.of());
            Set<String> identities = new HashSet<>(before.keySet());
            identities.addAll(after.keySet());
            for (String identity : identities) {
                Entry was = before.get(identity);
                Entry is = after.get(identity);
                int difference = (is == null ? 0 : is.connections) - (was == null ? 0 : was.connections);
                Member who = is != null ? is.who : was.who;
                Tally tally = tallies.computeIfAbsent(room, k -> new Tally());
                for (int i = 0; i < difference; i++) {
                    tally.add(identity, 1);
                    Headcount now = tally.headcount();
                    calls.add(() -> listener.joined(room, who, now));
                }
                for (int i = 0; i < -difference; i++) {
                    tally.remove(identity, 1);
                    Headcount now = tally.headcount();
                    calls.add(() -> listener.left(room, who, now));
                }
            }
        }
        old.rooms.clear();
        fresh.rooms.forEach((room, members) -> old.rooms.put(room, new HashMap<>(members)));
    }
}
