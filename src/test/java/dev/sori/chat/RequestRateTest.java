package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.RequestRate.Verdict;
import org.junit.jupiter.api.Test;

/** The per-connection rate limit, on a clock the test moves. */
class RequestRateTest {
    private static final long MS = 1_000_000L;
    private long now = 123_456_789_000L;

    @Test
    void aBurstPassesThenTheSustainedRateAndNothingMore() {
        RequestRate rate = new RequestRate(20, 40, now);
        for (int i = 0; i < 40; i++) {
            assertThat(rate.admit(now)).as("frame %d of the burst", i).isEqualTo(Verdict.ACCEPT);
        }
        assertThat(rate.admit(now)).isEqualTo(Verdict.REFUSE);

        // 20/s: one token every 50 ms, never two.
        now += 50 * MS;
        assertThat(rate.admit(now)).isEqualTo(Verdict.ACCEPT);
        assertThat(rate.admit(now)).isEqualTo(Verdict.REFUSE);
        now += 49 * MS;
        assertThat(rate.admit(now)).isEqualTo(Verdict.REFUSE);
        now += MS;
        assertThat(rate.admit(now)).isEqualTo(Verdict.ACCEPT);

        // Ten seconds at exactly 20/s: all accepted.
        int accepted = 0;
        for (int i = 0; i < 200; i++) {
            now += 50 * MS;
            accepted += rate.admit(now) == Verdict.ACCEPT ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(200);
    }

    @Test
    void anIdleBucketRefillsOnlyUpToTheBurst() {
        RequestRate rate = new RequestRate(20, 40, now);
        now += 3_600_000 * MS; // an hour of silence
        int accepted = 0;
        while (rate.admit(now) == Verdict.ACCEPT) {
            accepted++;
        }
        assertThat(accepted).isEqualTo(40);
    }

    @Test
    void refusedFramesStillCountTowardsTheCloseAtTenTimesTheLimit() {
        RequestRate rate = new RequestRate(20, 40, now);
        int accepted = 0;
        int refused = 0;
        // 400 frames at once: 40 accepted, 360 refused; the 401st is past 10 × the burst.
        for (int i = 0; i < 400; i++) {
            Verdict v = rate.admit(now);
            assertThat(v).as("frame %d", i).isNotEqualTo(Verdict.CLOSE);
            accepted += v == Verdict.ACCEPT ? 1 : 0;
            refused += v == Verdict.REFUSE ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(40);
        assertThat(refused).isEqualTo(360);
        assertThat(rate.admit(now)).isEqualTo(Verdict.CLOSE);
    }

    @Test
    void aClientGoingFiveTimesTooFastIsRefusedButNeverClosed() {
        RequestRate rate = new RequestRate(20, 40, now);
        for (int i = 0; i < 100 * 60; i++) { // a minute at 100/s
            now += 10 * MS;
            assertThat(rate.admit(now)).isNotEqualTo(Verdict.CLOSE);
        }
    }

    @Test
    void zeroTurnsItOff() {
        RequestRate rate = new RequestRate(0, 0, now);
        for (int i = 0; i < 100_000; i++) {
            assertThat(rate.admit(now)).isEqualTo(Verdict.ACCEPT);
        }
    }

    @Test
    void theClockMayStartAnywhereEvenAcrossZero() {
        now = -10 * MS;
        RequestRate rate = new RequestRate(20, 1, now);
        assertThat(rate.admit(now)).isEqualTo(Verdict.ACCEPT);
        assertThat(rate.admit(now)).isEqualTo(Verdict.REFUSE);
        now += 50 * MS; // crosses 0
        assertThat(rate.admit(now)).isEqualTo(Verdict.ACCEPT);
    }
}
