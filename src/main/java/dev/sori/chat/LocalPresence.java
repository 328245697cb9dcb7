package dev.sori.chat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Presence} of one node: the connections of this process are all there are. */
public final class LocalPresence implements Presence {
    private final Map<String, Tally> rooms = new ConcurrentHashMap<>();

    /** One room's connections per identity; guarded by itself. */
    private static final class Tally {
        final Map<String, Integer> perIdentity = new HashMap<>();
        int connections;

        Headcount headcount() {
            return new Headcount(connections, perIdentity.size());
        }
    }

    @Override
    public Headcount joined(String room, Member who) {
        String identityId = who.identityId();
        Tally tally = rooms.computeIfAbsent(room, r -> new Tally());
        synchronized (tally) {
            tally.connections++;
            tally.perIdentity.merge(identityId, 1, Integer::sum);
            return tally.headcount();
        }
    }

    @Override
    public Headcount left(String room, Member who) {
        String identityId = who.identityId();
        Tally tally = rooms.get(room);
        if (tally == null) {
            return Headcount.EMPTY;
        }
        synchronized (tally) {
            Integer n = tally.perIdentity.get(identityId);
            if (n == null) {
                return tally.headcount(); // not counted here: nothing to take away
            }
            tally.connections--;
            if (n == 1) {
                tally.perIdentity.remove(identityId);
            } else {
                tally.perIdentity.put(identityId, n - 1);
            }
            return tally.headcount();
        }
    }

    @Override
    public Headcount headcount(String room) {
        Tally tally = rooms.get(room);
        if (tally == null) {
            return Headcount.EMPTY;
        }
        synchronized (tally) {
            return tally.headcount();
        }
    }

    @Override
    public void forget(String room) {
        rooms.remove(room);
    }
}
