package dev.sori.chat;

class LocalPresenceTest extends PresenceContract {
    @Override
    protected Presence newPresence() {
        return new LocalPresence();
    }
}
