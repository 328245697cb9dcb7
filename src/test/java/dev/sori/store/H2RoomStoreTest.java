package dev.sori.store;

class H2RoomStoreTest extends RoomStoreContract {
    @Override
    Backend createBackend() {
        return new H2Backend();
    }
}
