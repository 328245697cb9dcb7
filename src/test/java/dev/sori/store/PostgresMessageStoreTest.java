package dev.sori.store;

class PostgresMessageStoreTest extends MessageStoreContract {
    @Override
    Backend createBackend() {
        return PostgresBackend.createOrSkip();
    }
}
