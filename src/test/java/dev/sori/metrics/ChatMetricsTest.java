package dev.sori.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatEvents;
import dev.sori.chat.Message;
import dev.sori.protocol.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The chat's events in, the meters' values out, as a registry (and Prometheus) shows them. */
class ChatMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatEvents events = new ChatMetrics(registry);
    private final Message message = Message.draft("general", "identity-1", "Anon-1", "#000000", "hello", "c1", null)
            .committed(1, 1_000);

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void welcomesAreCountedByNewOrResumedIdentity() {
        events.connected("s1", "i1", false, 1);
        events.connected("s2", "i2", true, 2);
        events.connected("s3", "i3", true, 3);
        assertThat(counter("sori.welcomes", "identity", "new")).isEqualTo(1);
        assertThat(counter("sori.welcomes", "identity", "resumed")).isEqualTo(2);
    }

    @Test
    void closesAreCountedByCodeAndCodesOutsideRfc6455sRangeAsOther() {
        events.disconnected("s1", 1000, 2);
        events.disconnected("s2", 1013, 1);
        events.disconnected("s3", 1013, 0);
        events.disconnected("s4", 4321, 0); // a client's own code: any of 1000 values, one series
        events.disconnected("s5", 999, 0);
        assertThat(counter("sori.connections.closed", "code", "1000")).isEqualTo(1);
        assertThat(counter("sori.connections.closed", "code", "1013")).isEqualTo(2);
        assertThat(counter("sori.connections.closed", "code", "other")).isEqualTo(2);
    }

    @Test
    void refusalsAreCountedByCodeAndRefusedPostsAsAPostsOutcome() {
        events.refused("s1", "new_message", ErrorCode.NOT_IN_ROOM);
        events.refused("s1", "join", ErrorCode.ROOM_FULL);
        events.refused("s1", null, ErrorCode.BAD_JSON);
        events.refused("s1", "new_message", ErrorCode.RATE_LIMITED);
        assertThat(counter("sori.requests.refused", "code", "not_in_room")).isEqualTo(1);
        assertThat(counter("sori.requests.refused", "code", "room_full")).isEqualTo(1);
        assertThat(counter("sori.requests.refused", "code", "bad_json")).isEqualTo(1);
        assertThat(counter("sori.requests.refused", "code", "rate_limited")).isEqualTo(1);
        assertThat(counter("sori.requests.refused", "code", "internal")).isZero();
        assertThat(counter("sori.messages.posted", "outcome", "refused")).isEqualTo(2);
    }

    @Test
    void postsDeliveriesAndCommitsGiveCountsAndLatencies() {
        events.committed(3, TimeUnit.MILLISECONDS.toNanos(4));
        events.posted(message, TimeUnit.MILLISECONDS.toNanos(7));
        events.posted(message, TimeUnit.MILLISECONDS.toNanos(9));
        events.duplicatePost(message);
        events.delivered(2, 10, TimeUnit.MICROSECONDS.toNanos(300));

        assertThat(counter("sori.messages.posted", "outcome", "stored")).isEqualTo(2);
        assertThat(counter("sori.messages.posted", "outcome", "duplicate")).isEqualTo(1);
        assertThat(counter("sori.messages.stored")).isEqualTo(3);
        assertThat(counter("sori.messages.delivered")).isEqualTo(10);
        assertThat(registry.get("sori.post.delivery").timer().count()).isEqualTo(2);
        assertThat(registry.get("sori.post.delivery").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(16);
        assertThat(registry.get("sori.fanout").timer().totalTime(TimeUnit.MICROSECONDS)).isEqualTo(300);
        assertThat(registry.get("sori.db.commit").timer().count()).isEqualTo(1);
        assertThat(registry.get("sori.db.commit.batch").summary().totalAmount()).isEqualTo(3);
    }

    @Test
    void slowClientsTimeoutsFloodsAndRoomsAreCounted() {
        events.slowConsumer("s1", 1001, 5000);
        events.sendTimedOut("s2", 20_000, 3, 300);
        events.sendTimedOut("s3", 21_000, 3, 300);
        events.pingTimedOut("s4");
        events.flooded("s5", 10);
        events.floodedBeforeWelcome("s6", 64);
        events.rateLimited("s7", 20, 40);
        events.refusedOverCap("10.0.0.1", 64);
        events.failed("s8", "join", new RuntimeException("bug"));
        events.roomCreated("r1", "i1", false);
        events.roomDeleted("r1", "i1");
        assertThat(counter("sori.slow.consumer.closes")).isEqualTo(1);
        assertThat(counter("sori.send.timeout.closes")).isEqualTo(2);
        assertThat(counter("sori.ping.timeout.closes")).isEqualTo(1);
        assertThat(counter("sori.flood.closes")).isEqualTo(2);
        assertThat(counter("sori.rate.limited.connections")).isEqualTo(1);
        assertThat(counter("sori.connections.refused", "reason", "address_cap")).isEqualTo(1);
        assertThat(counter("sori.requests.failed")).isEqualTo(1);
        assertThat(counter("sori.room.creations")).isEqualTo(1);
        assertThat(counter("sori.room.deletions")).isEqualTo(1);
    }

    @Test
    void prometheusSeesConventionalNamesAndSecondsBuckets() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ChatEvents metrics = new ChatMetrics(prometheus);
        metrics.posted(message, TimeUnit.MILLISECONDS.toNanos(3));
        metrics.refused("s1", "new_message", ErrorCode.FORBIDDEN);
        String text = prometheus.scrape();
        assertThat(text)
                .contains("sori_messages_posted_total{outcome=\"stored\"} 1.0")
                .contains("sori_requests_refused_total{code=\"forbidden\"} 1.0")
                .contains("# TYPE sori_post_delivery_seconds histogram")
                .contains("sori_post_delivery_seconds_bucket{le=\"0.005\"} 1")
                .contains("sori_post_delivery_seconds_bucket{le=\"0.0025\"} 0")
                .contains("sori_post_delivery_seconds_count 1")
                .contains("# TYPE sori_db_commit_batch_messages histogram");
        // Never a room, an identity or a nickname as a tag.
        assertThat(text).doesNotContain("general").doesNotContain("identity-1").doesNotContain("Anon-1");
    }
}
