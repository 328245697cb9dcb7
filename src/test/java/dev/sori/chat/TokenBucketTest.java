package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = -5 * SECOND; // nanoTime may be negative: only differences count

    @Test
    void aFullBucketGivesItsBurstAtOnceThenOneTokenPerInterval() {
        TokenBucket bucket = TokenBucket.perSecond(10, 3, T0);
        assertThat(bucket.tryTake(T0)).isTrue();
        assertThat(bucket.tryTake(T0)).isTrue();
        assertThat(bucket.tryTake(T0)).isTrue();
        assertThat(bucket.take(T0)).as("empty: the next token in a tenth of a second").isEqualTo(SECOND / 10);
        assertThat(bucket.tryTake(T0 + SECOND / 10 - 1)).isFalse();
        assertThat(bucket.tryTake(T0 + SECOND / 10)).isTrue();
        assertThat(bucket.tryTake(T0 + SECOND / 10)).isFalse();
    }

    @Test
    void aRefusedAttemptTakesNothing() {
        TokenBucket bucket = TokenBucket.perSecond(1, 1, T0);
        assertThat(bucket.tryTake(T0)).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(bucket.tryTake(T0 + i)).isFalse();
        }
        assertThat(bucket.tryTake(T0 + SECOND)).as("a second later, refusals or not").isTrue();
    }

    @Test
    void anIdleBucketRefillsOnlyUpToItsBurst() {
        TokenBucket bucket = TokenBucket.perMinute(3, T0);
        assertThat(bucket.isFull(T0)).isTrue();
        assertThat(bucket.tryTake(T0)).isTrue();
        assertThat(bucket.isFull(T0)).isFalse();
        assertThat(bucket.isFull(T0 + 20 * SECOND)).as("one token a 20 s").isTrue();
        long anHourLater = T0 + 3600 * SECOND;
        assertThat(bucket.tryTake(anHourLater)).isTrue();
        assertThat(bucket.tryTake(anHourLater)).isTrue();
        assertThat(bucket.tryTake(anHourLater)).isTrue();
        assertThat(bucket.take(anHourLater)).as("three, not an hour's worth").isEqualTo(20 * SECOND);
    }

    @Test
    void ratesAndBurstsMustBePositive() {
        assertThatThrownBy(() -> TokenBucket.perSecond(0, 1, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenBucket.perSecond(1, 0, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenBucket.perMinute(0, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
