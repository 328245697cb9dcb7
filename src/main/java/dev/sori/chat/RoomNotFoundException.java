package dev.sori.chat;

/** Storage has no such room (it was deleted meanwhile): the protocol layer says {@code not_found}. */
public final class RoomNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RoomNotFoundException(String room) {
        super("no such room: " + room, null, false, false);
    }
}
