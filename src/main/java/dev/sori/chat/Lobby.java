package dev.sori.chat;

import dev.sori.protocol.Json;
import dev.sori.protocol.RoomInfo;
import dev.sori.protocol.ServerFrame;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Supplier<Collection<Client>> everyone;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Set<Room> countsChanged = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final Room general;

    Lobby(ChatSettings settings, LongSupplier clock, MessageLog log, Supplier<Collection<Client>> everyone) {
        this.settings = settings;
        this.clock = clock;
        this.log = log;
        this.everyone = everyone;
        this.general = new Room(Hub.PUBLIC_ROOM, "General", null, null, null, log.lastSeq(Hub.PUBLIC_ROOM), clock,
                settings.maxPendingFrames());
        rooms.put(general.id(), general);
    }

    Room general() {
        return general;
    }

    Room find(String id) {
        return rooms.get(id);
    }

    Room create(Identity owner, String title, Integer max, String passwordHash) {
        String id;
        do {
            id = randomId();
        } while (rooms.containsKey(id));
        Room room = new Room(id, title, owner, max, passwordHash, 0, clock, settings.maxPendingFrames());
        rooms.put(id, room);
        toEveryone("room_created", room.info());
        return room;
    }

    /** Removes a room: its members stay connected, everyone gets {@code room_removed}. */
    void delete(Room room) {
        if (room == general || rooms.remove(room.id()) == null) {
            return;
        }
        RoomInfo last = room.info();
        room.remove();
        countsChanged.remove(room);
        log.deleteRoom(room.id());
        toEveryone("room_removed", new RoomInfo(last.room(), last.title(), 0, last.max(), last.locked(), last.owner()));
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

    void countChanged(Room room) {
        countsChanged.add(room);
    }

    /** Sends one {@code room_updated} for each room whose count changed since the last tick. */
    void publishCounts() {
        for (Room room : countsChanged) {
            countsChanged.remove(room);
            if (rooms.get(room.id()) == room) {
                toEveryone("room_updated", room.info());
            }
        }
    }

    /** Removes the rooms that have been empty longer than the configured time. */
    void sweepEmptyRooms() {
        long ttl = settings.emptyRoomTtl().toMillis();
        if (ttl <= 0) {
            return;
        }
        long now = clock.getAsLong();
        for (Room room : rooms.values()) {
            long emptySince = room.emptySince();
            if (room != general && emptySince > 0 && now - emptySince >= ttl) {
                delete(room);
            }
        }
    }

    private void toEveryone(String type, RoomInfo info) {
        EncodedFrame frame = EncodedFrame.of(Json.write(ServerFrame.event(type, info)));
        for (Client client : everyone.get()) {
            client.outbox().send(frame);
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
