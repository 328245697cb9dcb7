package dev.sori.chat;

/**
 * The request rate limit of one connection (docs/protocol.md, "Limits"). Every frame a client
 * sends counts, whatever its type and even when malformed: a flood of {@code typing}, of
 * {@code list_rooms} or of garbage costs the server as much as one of messages. Two buckets:
 *
 * <ul>
 *   <li>the limit ({@code rate}/s, bursts of {@code burst}): a frame beyond it is refused with
 *       {@code rate_limited} and not processed; the connection stays open;</li>
 *   <li>ten times the limit, fed by every frame received, refused ones included: a client that
 *       gets past it did not slow down when told to, and is closed with 1008.</li>
 * </ul>
 *
 * Not thread-safe: the container delivers one connection's frames one at a time.
 */
final class RequestRate {
    /** What to do with one frame. */
    enum Verdict { ACCEPT, REFUSE, CLOSE }

    /** How far past the limit a client may go, refused, before it is closed. */
    static final int CLOSE_FACTOR = 10;

    private final TokenBucket limit;    // null when off
    private final TokenBucket abuse;    // null when off

    RequestRate(int perSecond, int burst, long nowNanos) {
        if (perSecond <= 0) {
            limit = null;
            abuse = null;
        } else {
            limit = TokenBucket.perSecond(perSecond, burst, nowNanos);
            abuse = TokenBucket.perSecond((long) perSecond * CLOSE_FACTOR, (long) burst * CLOSE_FACTOR, nowNanos);
        }
    }

    Verdict admit(long nowNanos) {
        if (limit == null) {
            return Verdict.ACCEPT;
        }
        if (!abuse.tryTake(nowNanos)) {
            return Verdict.CLOSE;
        }
        return limit.tryTake(nowNanos) ? Verdict.ACCEPT : Verdict.REFUSE;
    }
}
