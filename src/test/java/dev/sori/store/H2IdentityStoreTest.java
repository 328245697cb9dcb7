package dev.sori.store;

class H2IdentityStoreTest extends IdentityStoreContract {
    @Override
    Backend createBackend() {
        return new H2Backend();
    }
}
