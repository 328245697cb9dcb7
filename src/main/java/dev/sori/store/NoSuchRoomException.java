package dev.sori.store;

/** The room does not exist (never created, or deleted). The chat layer answers {@code not_found}. */
public class NoSuchRoomException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final String room;

    public NoSuchRoomException(String room) {
        super("no such room: " + room);
        this.room = room;
    }

    public String room() {
        return room;
    }
}
