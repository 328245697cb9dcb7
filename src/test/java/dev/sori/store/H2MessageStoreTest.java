package dev.sori.store;

class H2MessageStoreTest extends MessageStoreContract {
    @Override
    Backend createBackend() {
        return new H2Backend();
    }
}
