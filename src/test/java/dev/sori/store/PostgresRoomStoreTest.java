package dev.sori.store;

class PostgresRoomStoreTest extends RoomStoreContract {
    @Override
    Backend createBackend() {
        return PostgresBackend.createOrSkip();
    }
}
