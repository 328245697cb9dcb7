package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PerKeyRateTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong clock = new AtomicLong(42 * SECOND);

    @Test
    void eachKeyHasItsOwnMinuteAndARefusalSaysWhenToTryAgain() {
        PerKeyRate rate = new PerKeyRate(3, clock::get);
        assertThat(rate.take("ada")).isZero();
        assertThat(rate.take("ada")).isZero();
        assertThat(rate.take("ada")).isZero();
        assertThat(rate.take("ada")).as("the next one in 20 s").isEqualTo(20);
        assertThat(rate.take("bob")).as("another key").isZero();
        clock.addAndGet(19 * SECOND + 1);
        assertThat(rate.take("ada")).as("a part of a second rounds up").isEqualTo(1);
        clock.addAndGet(SECOND - 1);
        assertThat(rate.take("ada")).isZero();
        assertThat(rate.take("ada")).isEqualTo(20);
    }

    @Test
    void zeroPerMinuteIsNoLimit() {
        PerKeyRate rate = new PerKeyRate(0, clock::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(rate.take("ada")).isZero();
        }
    }

    @Test
    void manyIdleKeysAreForgottenAndTheBusyOnesKept() {
        PerKeyRate rate = new PerKeyRate(1, clock::get);
        for (int i = 0; i < 10_000; i++) {
            rate.take("idle-" + i);
        }
        assertThat(rate.keys()).isEqualTo(10_000);
        clock.addAndGet(61 * SECOND); // the idle ones are full again
        assertThat(rate.take("busy")).isZero();
        assertThat(rate.keys()).as("past 10,000: the full ones forgotten").isEqualTo(1);
        clock.addAndGet(SECOND);
        assertThat(rate.take("busy")).as("kept, with its minute running").isEqualTo(59);
    }
}
