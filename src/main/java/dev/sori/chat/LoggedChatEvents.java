package dev.sori.chat;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The chat's log: one line per event through {@code System.Logger} (JUL), with ids, codes and
 * numbers, never message text, nicknames or tokens. Refusals of single requests and posts are
 * not logged (they are the normal course of a chat: metrics count them).
 */
public final class LoggedChatEvents implements ChatEvents {
    /** The name of the chat's event log. */
    public static final String LOGGER = "dev.sori.chat.events";
    private static final Logger LOG = System.getLogger(LOGGER);

    @Override
    public void connected(String sid, String identityId, boolean resumed, int connections) {
        LOG.log(Level.INFO, "connect sid={0} identity={1} resumed={2} connections={3,number,#}", sid, identityId,
                resumed, connections);
    }

    @Override
    public void refusedOverCap(String address, int open) {
        LOG.log(Level.WARNING, "connection refused address={0} open={1,number,#}: over the per-address cap, closing with 1013",
                address, open);
    }

    @Override
    public void disconnected(String sid, int closeCode, int connections) {
        LOG.log(Level.INFO, "disconnect sid={0} code={1,number,#} connections={2,number,#}", sid, closeCode, connections);
    }

    @Override
    public void floodedBeforeWelcome(String sid, int max) {
        LOG.log(Level.INFO, "sid={0}: more than {1} frames before welcome, closing with 1008", sid, max);
    }

    @Override
    public void rateLimited(String sid, int perSecond, int burst) {
        LOG.log(Level.INFO, "rate limited sid={0}: refusing frames over {1,number,#}/s (burst {2,number,#})", sid,
                perSecond, burst);
    }

    @Override
    public void flooded(String sid, int factor) {
        LOG.log(Level.WARNING, "flooding sid={0}: past {1,number,#} times the rate limit, closing with 1008", sid, factor);
    }

    @Override
    public void failed(String sid, String type, Throwable redacted) {
        LOG.log(Level.ERROR, "request failed sid=" + sid + " type=" + type + ", closing with 1011", redacted);
    }

    @Override
    public void slowConsumer(String sid, int pendingFrames, long pendingBytes) {
        LOG.log(Level.WARNING, "slow client sid={0} pendingFrames={1,number,#} pendingBytes={2,number,#}: closing with 1013",
                sid, pendingFrames, pendingBytes);
    }

    @Override
    public void sendTimedOut(String sid, long stalledMillis, int pendingFrames, long pendingBytes) {
        LOG.log(Level.WARNING, "slow client sid={0} send unfinished for {1,number,#} ms pendingFrames={2,number,#} "
                + "pendingBytes={3,number,#}: closing with 1013", sid, stalledMillis, pendingFrames, pendingBytes);
    }

    @Override
    public void pingTimedOut(String sid) {
        LOG.log(Level.INFO, "ping timeout sid={0}", sid);
    }

    @Override
    public void roomCreated(String room, String ownerId, boolean locked) {
        LOG.log(Level.INFO, "room created room={0} owner={1} locked={2}", room, ownerId, locked);
    }

    @Override
    public void roomDeleted(String room, String byIdentityId) {
        LOG.log(Level.INFO, "room deleted room={0} by={1}", room, byIdentityId);
    }

    @Override
    public void moderated(String room, String action, String byIdentityId) {
        LOG.log(Level.INFO, "moderation {0} room={1} by={2}", action, room, byIdentityId);
    }

    @Override
    public void closed(int connections) {
        LOG.log(Level.INFO, "closed {0,number,#} connections", connections);
    }
}
