package dev.sori.store;

class H2MediaLibraryTest extends MediaLibraryContract {
    @Override
    Backend createBackend() {
        return new H2Backend();
    }
}
