package dev.sori.metrics;

import dev.sori.chat.ChatEvents;
import dev.sori.chat.Message;
import dev.sori.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The chat's events as metrics: every meter is made once, here, so that an event costs an array
 * index and an atomic add, never a lookup by name or tags. Tags are codes and outcomes only,
 * never a room, an identity or a nickname (docs/metrics.md lists every meter).
 */
public final class ChatMetrics implements ChatEvents {
    /** The request type of a post, as sent ({@code RequestHandlers}). */
    private static final String POST = "new_message";
    /** Close codes counted one by one: RFC 6455's 1000 to 1015; every other code is {@code other}. */
    private static final int FIRST_CODE = 1000;
    private static final int LAST_CODE = 1015;

    /**
     * From a few milliseconds (one room's fan-out to a handful of members) to seconds (a room of
     * thousands on a loaded node, or a database that is slow to commit).
     */
    static final Duration[] LATENCY_BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofNanos(2_500_000_000L), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    /** Messages per transaction: the writer batches up to its batch size (hundreds). */
    static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    private final Counter welcomesNew;
    private final Counter welcomesResumed;
    private final Counter refusedOverCap;
    private final Counter[] closesByCode = new Counter[LAST_CODE - FIRST_CODE + 1];
    private final Counter closesOther;
    private final Counter slowConsumerCloses;
    private final Counter sendTimeoutCloses;
    private final Counter pingTimeoutCloses;
    private final Counter floodCloses;
    private final Counter rateLimitedConnections;
    private final Counter[] refusedByCode = new Counter[ErrorCode.values().length];
    private final Counter failedRequests;
    private final Counter postsStored;
    private final Counter postsDuplicate;
    private final Counter postsRefused;
    private final Counter messagesStored;
    private final Counter messagesDelivered;
    private final Timer postDelivery;
    private final Timer fanOut;
    private final Timer commit;
    private final DistributionSummary batch;
    private final Counter roomsCreated;
    /** By action: kick, ban, unban, delete_message (a fixed set, so pre-registered). */
    private final java.util.Map<String, Counter> moderation;
    private final Counter roomsDeleted;

    public ChatMetrics(MeterRegistry registry) {
        welcomesNew = welcomes(registry, "new");
        welcomesResumed = welcomes(registry, "resumed");
        refusedOverCap = Counter.builder("sori.connections.refused")
                .description("connections refused before welcome: their address was at --max-connections-per-address")
                .tag("reason", "address_cap").register(registry);
        for (int code = FIRST_CODE; code <= LAST_CODE; code++) {
            closesByCode[code - FIRST_CODE] = closes(registry, Integer.toString(code));
        }
        closesOther = closes(registry, "other");
        slowConsumerCloses = Counter.builder("sori.slow.consumer.closes")
                .description("connections closed with 1013 because their outgoing queue overflowed").register(registry);
        sendTimeoutCloses = Counter.builder("sori.send.timeout.closes")
                .description("connections closed with 1013 because one send stayed unfinished past --send-timeout")
                .register(registry);
        pingTimeoutCloses = Counter.builder("sori.ping.timeout.closes")
                .description("connections closed with 1001 because they stopped answering pings").register(registry);
        floodCloses = Counter.builder("sori.flood.closes")
                .description("connections closed with 1008 for flooding (far past the rate limit, or before welcome)")
                .register(registry);
        rateLimitedConnections = Counter.builder("sori.rate.limited.connections")
                .description("connections that went over the request rate (counted once each)").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            refusedByCode[code.ordinal()] = Counter.builder("sori.requests.refused")
                    .description("frames answered with an error, by its code; the connection lives on")
                    .tag("code", code.wireName()).register(registry);
        }
        failedRequests = Counter.builder("sori.requests.failed")
                .description("requests that met a bug: answered internal, connection closed with 1011").register(registry);
        postsStored = posts(registry, "stored");
        postsDuplicate = posts(registry, "duplicate");
        postsRefused = posts(registry, "refused");
        messagesStored = Counter.builder("sori.messages.stored")
                .description("messages committed to the database by this node").register(registry);
        messagesDelivered = Counter.builder("sori.messages.delivered")
                .description("message frames queued to members on this node (one per message and recipient)")
                .register(registry);
        postDelivery = Timer.builder("sori.post.delivery")
                .description("from a post's arrival to its delivery to the room's members on this node: "
                        + "validation, commit, fan-out")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        fanOut = Timer.builder("sori.fanout")
                .description("one room's delivery of a run of messages to its members on this node")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        commit = Timer.builder("sori.db.commit")
                .description("one database transaction of the message writer").serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        batch = DistributionSummary.builder("sori.db.commit.batch").baseUnit("messages")
                .description("messages stored by one transaction of the message writer")
                .serviceLevelObjectives(BATCH_BUCKETS).register(registry);
        roomsCreated = Counter.builder("sori.room.creations").description("rooms created on this node")
                .register(registry);
        roomsDeleted = Counter.builder("sori.room.deletions").description("rooms deleted by their owner on this node")
                .register(registry);
        moderation = java.util.Map.of("kick", moderation(registry, "kick"), "ban", moderation(registry, "ban"),
                "unban", moderation(registry, "unban"), "delete_message", moderation(registry, "delete_message"));
    }

    private static Counter moderation(MeterRegistry registry, String action) {
        return Counter.builder("sori.moderation.actions").description("moderators' decisions taken on this node")
                .tag("action", action).register(registry);
    }

    private static Counter welcomes(MeterRegistry registry, String identity) {
        return Counter.builder("sori.welcomes")
                .description("connections that got their welcome, with a new identity or a resumed one")
                .tag("identity", identity).register(registry);
    }

    private static Counter closes(MeterRegistry registry, String code) {
        return Counter.builder("sori.connections.closed").description("connections gone, by WebSocket close code")
                .tag("code", code).register(registry);
    }

    private static Counter posts(MeterRegistry registry, String outcome) {
        return Counter.builder("sori.messages.posted")
                .description("posts by outcome: stored (and delivered), duplicate (a resent cid), refused")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void connected(String sid, String identityId, boolean resumed, int connections) {
        (resumed ? welcomesResumed : welcomesNew).increment();
    }

    @Override
    public void refusedOverCap(String address, int open) {
        refusedOverCap.increment();
    }

    @Override
    public void disconnected(String sid, int closeCode, int connections) {
        (closeCode >= FIRST_CODE && closeCode <= LAST_CODE ? closesByCode[closeCode - FIRST_CODE] : closesOther)
                .increment();
    }

    @Override
    public void floodedBeforeWelcome(String sid, int max) {
        floodCloses.increment();
    }

    @Override
    public void rateLimited(String sid, int perSecond, int burst) {
        rateLimitedConnections.increment();
    }

    @Override
    public void flooded(String sid, int factor) {
        floodCloses.increment();
    }

    @Override
    public void refused(String sid, String type, ErrorCode code) {
        refusedByCode[code.ordinal()].increment();
        if (POST.equals(type)) {
            postsRefused.increment();
        }
    }

    @Override
    public void failed(String sid, String type, Throwable redacted) {
        failedRequests.increment();
    }

    @Override
    public void posted(Message message, long nanos) {
        postsStored.increment();
        postDelivery.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void delivered(int messages, int frames, long nanos) {
        messagesDelivered.increment(frames);
        fanOut.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void committed(int messages, long nanos) {
        messagesStored.increment(messages);
        batch.record(messages);
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void duplicatePost(Message original) {
        postsDuplicate.increment();
    }

    @Override
    public void slowConsumer(String sid, int pendingFrames, long pendingBytes) {
        slowConsumerCloses.increment();
    }

    @Override
    public void sendTimedOut(String sid, long stalledMillis, int pendingFrames, long pendingBytes) {
        sendTimeoutCloses.increment();
    }

    @Override
    public void pingTimedOut(String sid) {
        pingTimeoutCloses.increment();
    }

    @Override
    public void roomCreated(String room, String ownerId, boolean locked) {
        roomsCreated.increment();
    }

    @Override
    public void roomDeleted(String room, String byIdentityId) {
        roomsDeleted.increment();
    }

    @Override
    public void moderated(String room, String action, String byIdentityId) {
        Counter counter = moderation.get(action);
        if (counter != null) {
            counter.increment();
        }
    }
}
