package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.ProtocolException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Password backoff per identity and per address, on a clock the test moves. */
class PasswordGuardTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * S);
    private final PasswordGuard guard = new PasswordGuard(3, now::get);

    private void wrong(String identity, String address) {
        guard.begin(identity, address).failed();
    }

    private void assertRefused(String identity, String address, String retry) {
        assertThatThrownBy(() -> guard.begin(identity, address))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.RATE_LIMITED))
                .hasMessageContaining("try again in " + retry);
    }

    @Test
    void threeFreeThenDoublingWaitsThenFifteenMinutes() {
        for (int i = 0; i < 3; i++) {
            wrong("ada", "10.0.0.1");
        }
        long[] waits = {1, 2, 4, 8, 16, 32, 60};
        for (long wait : waits) {
            assertRefused("ada", "10.0.0.1", wait + " s");
            now.addAndGet(wait * S - S / 10);
            assertRefused("ada", "10.0.0.1", "1 s"); // a tenth of a second early: still refused
            now.addAndGet(S / 10);
            wrong("ada", "10.0.0.1");
        }
        // Ten wrong in a row: a quarter of an hour.
        assertRefused("ada", "10.0.0.1", "15 min");
        now.addAndGet(14 * 60 * S);
        assertRefused("ada", "10.0.0.1", "");
        now.addAndGet(60 * S);
        guard.begin("ada", "10.0.0.1").succeeded(); // over: a fresh start
    }

    @Test
    void aRightPasswordClearsTheIdentityButNotTheAddress() {
        for (int i = 0; i < 3; i++) {
            wrong("ada", "10.0.0.1");
        }
        now.addAndGet(S);
        guard.begin("ada", "10.0.0.1").succeeded();
        for (int i = 0; i < 3; i++) {
            wrong("ada", "10.0.0.1"); // three free again
        }
        assertRefused("ada", "10.0.0.1", "1 s");
        // The address has 6 wrong (the right one refunded): 3 more from anyone, then it waits too.
        for (int i = 0; i < 3; i++) {
            wrong("bob" + i, "10.0.0.1");
        }
        assertRefused("carol", "10.0.0.1", "1 s");
        guard.begin("carol", "10.0.0.2").succeeded(); // another address is not concerned
    }

    @Test
    void newIdentitiesFromOneAddressAreSlowedAfterNineWrongPasswords() {
        for (int i = 0; i < 9; i++) {
            wrong("guesser" + i, "2001:db8:1:2::/64");
        }
        assertRefused("guesser-next", "2001:db8:1:2::/64", "1 s");
    }

    @Test
    void attemptsInFlightAreCountedSoAPipelineCannotSlipThrough() {
        PasswordGuard.Attempt[] pending = new PasswordGuard.Attempt[3];
        for (int i = 0; i < 3; i++) {
            pending[i] = guard.begin("ada", null); // none answered yet
        }
        assertRefused("ada", null, "1 s");
        pending[0].abandoned(); // e.g. the hashing queue was full: not a guess
        pending[1].failed();
        pending[2].failed();
        guard.begin("ada", null).failed(); // the refund made room for one more
        assertRefused("ada", null, "1 s");
    }

    @Test
    void countsAreForgottenAfterAQuarterOfAnHourAndSwept() {
        for (int i = 0; i < 5; i++) {
            now.addAndGet(60 * S);
            wrong("ada" + i, "10.0.0." + i);
        }
        assertThat(guard.size()).isEqualTo(10);
        now.addAndGet(15 * 60 * S);
        guard.sweep();
        assertThat(guard.size()).isZero();
    }

    @Test
    void zeroTurnsItOff() {
        PasswordGuard off = new PasswordGuard(0, now::get);
        for (int i = 0; i < 1000; i++) {
            off.begin("ada", "10.0.0.1").failed();
        }
        assertThat(off.size()).isZero();
    }
}
