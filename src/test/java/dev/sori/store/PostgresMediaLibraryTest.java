package dev.sori.store;

class PostgresMediaLibraryTest extends MediaLibraryContract {
    @Override
    Backend createBackend() {
        return PostgresBackend.createOrSkip();
    }
}
