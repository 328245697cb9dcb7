package dev.sori.chat;

import dev.sori.protocol.Json;
import dev.sori.protocol.RoomInfo;
import dev.sori.protocol.ServerFrame;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The rooms of a hub and the lobby events about them, which go to every connection, like the
 * gif-chat lobby: {@code room_created}, {@code room_updated} when a count changes and
 * {@code room_removed}. Count changes are coalesced: a room's {@code room_updated} goes out at
 * most once per {@link #publishCounts} tick, with the count of that moment, so that a join storm
 * is not multiplied by the number of connections.
 */
final class Lobby {
    private static final String ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final int ID_CHARS = 10;

    private final ChatSettings settings;
    private final LongSupplier clock;
    private final MessageLog log;
    private final RoomCatalog catalog;
    private final Supplier<Collection<Client>> everyone;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Set<Room> countsChanged = ConcurrentHashMap.newKeySet();
    private final Set<Room> sweeping = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final Room general;
    /**
     * Held while a room's {@code room_updated} or {@code room_removed} is queued to everyone, so
     * that a removal cannot land between a tick's "is the room still there?" and its update: an
     * update queued after the removal would bring the deleted room back into every lobby.
     */
    private final Object announcing = new Object();
    private final FanOut fanOut;
    private final ChatEvents events;
    private final Presence presence;
    private final Sequencer.GapFiller gaps;
    private final Runnable tellOtherNodes;
    private final boolean oneOfSeveralNodes;
    /** Ids of rooms deleted here lately, so that a catalog read begun before the delete cannot bring one back. */
    private final Set<String> deleted = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });

    /**
     * Loads the saved rooms from {@code catalog} (blocking: call it at start-up).
     *
     * @param tellOtherNodes    called after a room was created or deleted here
     * @param oneOfSeveralNodes whether other nodes share the catalog (empty rooms are then
     *                          deleted only if the catalog agrees they are empty)
     */
    Lobby(ChatSettings settings, LongSupplier clock, ChatStorage storage, Supplier<Collection<Client>> everyone,
          FanOut fanOut, ChatEvents events, Presence presence, Sequencer.GapFiller gaps, Runnable tellOtherNodes,
          boolean oneOfSeveralNodes) {
        this.tellOtherNodes = tellOtherNodes;
        this.oneOfSeveralNodes = oneOfSeveralNodes;
        this.settings = settings;
        this.presence = presence;
        this.gaps = gaps;
        this.fanOut = fanOut;
        this.events = events;
        this.clock = clock;
        this.log = storage.messages();
        this.catalog = storage.rooms();
        this.everyone = everyone;
        this.general = new Room(Hub.PUBLIC_ROOM, "General", null, null, null, null, log.lastSeq(Hub.PUBLIC_ROOM),
                clock.getAsLong(), clock, settings.maxPendingFrames(), fanOut, events, presence, gaps);
        rooms.put(general.id(), general);
        for (RoomCatalog.Saved saved : catalog.load()) {
            rooms.put(saved.id(), fromCatalog(saved));
        }
        bansAre(catalog.loadBans());
    }

    /** Every room's bans as the catalog has them (start-up, and each sweep of a cluster node). */
    void bansAre(Map<String, Set<String>> bans) {
        for (Room room : rooms.values()) {
            room.bansAre(bans.getOrDefault(room.id(), Set.of()));
        }
    }

    /** A room as the catalog keeps it: at start-up, or when another node created it. */
    private Room fromCatalog(RoomCatalog.Saved saved) {
        // A room not marked empty (it had members when the server stopped, or has some on another
        // node) counts its emptiness from now; the members elsewhere are in the presence.
        long emptySince = saved.emptiedAt() > 0 ? saved.emptiedAt() : clock.getAsLong();
        return new Room(saved.id(), saved.title(), saved.ownerId(), saved.ownerNick(), saved.max(),
                saved.passwordHash(), saved.lastSeq(), emptySince, clock, settings.maxPendingFrames(), fanOut, events,
                presence, gaps);
    }

    Room general() {
        return general;
    }

    Room find(String id) {
        return rooms.get(id);
    }

    /** Saves a new room owned by {@code owner}, then shows it to everyone. */
    CompletionStage<Room> create(Identity owner, String title, Integer max, String passwordHash) {
        String id;
        do {
            id = randomId();
        } while (rooms.containsKey(id));
        String roomId = id;
        long now = clock.getAsLong();
        RoomCatalog.Saved saved = new RoomCatalog.Saved(roomId, title, max, passwordHash, owner.id(), owner.nick(), now, 0);
        // The catalog refers to the owner's identity: it must be saved first.
        return owner.saved().thenCompose(v -> catalog.create(saved)).thenApply(v -> {
            Room room = new Room(roomId, title, owner.id(), owner.nick(), max, passwordHash, 0, now, clock,
                    settings.maxPendingFrames(), fanOut, events, presence, gaps);
            synchronized (announcing) {
                Room found = rooms.putIfAbsent(roomId, room);
                if (found != null) {
                    return found; // a catalog read (sync) saw it first, and announced it
                }
                toEveryone("room_created", room.info());
            }
            tellOtherNodes.run();
            return room;
        });
    }

    /** Deletes a room with its history: its members stay connected, everyone gets {@code room_removed}. */
    CompletionStage<Void> delete(Room room) {
        if (room == general) {
            return CompletableFuture.completedFuture(null);
        }
        return catalog.delete(room.id()).thenCompose(v -> log.deleteRoom(room.id())).thenRun(() -> {
            removeHere(room);
            tellOtherNodes.run();
        });
    }

    /**
     * With several nodes, the empty room is deleted only if the catalog agrees it has been empty
     * long enough: every node marks a room empty or occupied by the count of every node, so one
     * who entered on another node a moment ago keeps it.
     */
    private CompletionStage<Void> deleteIfStillEmpty(Room room, long cutoffMillis) {
        return catalog.deleteIfEmptiedBefore(room.id(), cutoffMillis).thenCompose(deleted -> {
            if (!deleted) {
                return CompletableFuture.completedFuture(null);
            }
            return log.deleteRoom(room.id()).thenRun(() -> {
                removeHere(room);
                tellOtherNodes.run();
            });
        });
    }

    /** Takes a deleted room out of this node's lobby: its members stay connected, everyone gets {@code room_removed}. */
    private void removeHere(Room room) {
        synchronized (announcing) {
            if (rooms.remove(room.id(), room)) {
                synchronized (deleted) {
                    deleted.add(room.id());
                }
                RoomInfo last = room.info();
                room.remove();
                room.sequencer().release();
                countsChanged.remove(room);
                toEveryone("room_removed",
                        new RoomInfo(last.room(), last.title(), 0, 0, last.max(), last.locked(), last.owner(),
                                last.ownerUid()));
            }
        }
    }

    /**
     * Brings this node's lobby in line with the catalog as read by {@link RoomCatalog#refresh}
     * (begun at {@code readStartedNanos}): rooms other nodes created appear, rooms they deleted
     * go, and every room's sequencer learns the last seq stored, so that what the bus lost is
     * read from the log. A room created here after the read began is not taken for deleted.
     */
    void sync(List<RoomCatalog.Saved> catalogNow, long readStartedNanos) {
        Set<String> present = new java.util.HashSet<>();
        for (RoomCatalog.Saved saved : catalogNow) {
            present.add(saved.id());
            Room room = rooms.get(saved.id());
            if (room == null) {
                boolean gone;
                synchronized (deleted) {
                    gone = deleted.contains(saved.id());
                }
                if (!gone) {
                    appeared(saved);
                }
            } else {
                room.sequencer().reached(saved.lastSeq());
            }
        }
        for (Room room : rooms.values()) {
            if (room != general && !present.contains(room.id()) && room.loadedNanos() - readStartedNanos < 0) {
                removeHere(room);
            }
        }
    }

    /** A room another node created. */
    private void appeared(RoomCatalog.Saved saved) {
        Room room = fromCatalog(saved);
        synchronized (announcing) {
            if (rooms.putIfAbsent(saved.id(), room) == null) {
                toEveryone("room_created", room.info());
            }
        }
    }

    /** The owner of some rooms changed their nickname: the lobby shows owners by nickname. */
    void ownerRenamed(Identity owner) {
        for (Room room : rooms.values()) {
            if (room.isOwnedBy(owner)) {
                room.ownerRenamed(owner.nick());
                countsChanged.add(room);
            }
        }
    }

    /** Every room, {@code general} first, then by title. */
    List<RoomInfo> list() {
        List<RoomInfo> infos = new ArrayList<>();
        for (Room room : rooms.values()) {
            infos.add(room.info());
        }
        infos.sort(Comparator.comparing((RoomInfo r) -> !r.room().equals(Hub.PUBLIC_ROOM))
                .thenComparing(RoomInfo::title, String.CASE_INSENSITIVE_ORDER).thenComparing(RoomInfo::room));
        return infos;
    }

    /** A member entered or left {@code room}: the lobby will hear of it at the next tick. */
    void countChanged(Room room) {
        countsChanged.add(room);
        if (room != general) {
            int count = room.count();
            if (count == 0) {
                catalog.emptied(room.id());
            } else if (count == 1) {
                catalog.occupied(room.id());
            }
        }
    }

    /** Sends the joins and leaves each big room collected since the last tick (see {@link Room}). */
    void flushPresence() {
        for (Room room : rooms.values()) {
            room.flushPresence();
        }
    }

    /** Sends one {@code room_updated} for each room whose count changed since the last tick. */
    void publishCounts() {
        for (Room room : countsChanged) {
            countsChanged.remove(room);
            synchronized (announcing) {
                if (rooms.get(room.id()) == room) {
                    toEveryone("room_updated", room.info());
                }
            }
        }
    }

    /** Removes the rooms that have been empty longer than the configured time. */
    void sweepEmptyRooms() {
        long ttl = settings.emptyRoomTtl().toMillis();
        if (ttl <= 0 || !presence.removesEmptyRooms()) {
            return;
        }
        long now = clock.getAsLong();
        for (Room room : rooms.values()) {
            long emptySince = room.emptySince();
            if (room != general && emptySince > 0 && now - emptySince >= ttl && sweeping.add(room)) {
                // If the catalog fails (database down), the next sweep tries again.
                CompletionStage<Void> deleted = oneOfSeveralNodes ? deleteIfStillEmpty(room, now - ttl) : delete(room);
                deleted.whenComplete((v, failure) -> sweeping.remove(room));
            }
        }
    }

    private void toEveryone(String type, RoomInfo info) {
        EncodedFrame frame = EncodedFrame.of(Json.write(ServerFrame.event(type, info)));
        for (Client client : everyone.get()) {
            if (client.isWelcomed()) {
                client.outbox().send(frame);
            }
        }
    }

    private String randomId() {
        StringBuilder sb = new StringBuilder(ID_CHARS);
        for (int i = 0; i < ID_CHARS; i++) {
            sb.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return sb.toString();
    }
}
