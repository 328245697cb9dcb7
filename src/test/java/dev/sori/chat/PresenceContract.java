package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What every {@link Presence} promises, written once; each implementation's test gives a factory. */
public abstract class PresenceContract {

    protected abstract Presence newPresence();

    protected static Presence.Member member(String identityId) {
        return new Presence.Member(identityId, "uid-" + identityId, identityId, "#264653");
    }

    @Test
    void countsConnectionsAndPeopleApart() {
        Presence p = newPresence();
        assertThat(p.headcount("r")).isEqualTo(Presence.Headcount.EMPTY);
        assertThat(p.joined("r", member("ada"))).isEqualTo(new Presence.Headcount(1, 1));
        assertThat(p.joined("r", member("ada"))).isEqualTo(new Presence.Headcount(2, 1)); // a second tab
        assertThat(p.joined("r", member("bob"))).isEqualTo(new Presence.Headcount(3, 2));
        assertThat(p.left("r", member("ada"))).isEqualTo(new Presence.Headcount(2, 2));
        assertThat(p.left("r", member("ada"))).isEqualTo(new Presence.Headcount(1, 1));
        assertThat(p.headcount("r")).isEqualTo(new Presence.Headcount(1, 1));
    }

    @Test
    void roomsAreCountedApart() {
        Presence p = newPresence();
        p.joined("r", member("ada"));
        p.joined("s", member("ada"));
        p.joined("s", member("bob"));
        assertThat(p.headcount("r")).isEqualTo(new Presence.Headcount(1, 1));
        assertThat(p.headcount("s")).isEqualTo(new Presence.Headcount(2, 2));
    }

    @Test
    void leavingWithoutHavingJoinedChangesNothing() {
        Presence p = newPresence();
        p.joined("r", member("ada"));
        assertThat(p.left("r", member("bob"))).isEqualTo(new Presence.Headcount(1, 1));
        assertThat(p.left("nowhere", member("bob"))).isEqualTo(Presence.Headcount.EMPTY);
    }

    @Test
    void aForgottenRoomCountsNobody() {
        Presence p = newPresence();
        p.joined("r", member("ada"));
        p.forget("r");
        assertThat(p.headcount("r")).isEqualTo(Presence.Headcount.EMPTY);
    }
}
