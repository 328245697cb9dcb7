package dev.sori.store;

class PostgresIdentityStoreTest extends IdentityStoreContract {
    @Override
    Backend createBackend() {
        return PostgresBackend.createOrSkip();
    }
}
