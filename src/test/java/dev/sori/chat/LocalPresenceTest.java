package dev.sori.chat;

class LocalPresenceTest extends PresenceContract {
    @Override
    Presence newPresence() {
        return new LocalPresence();
    }
}
