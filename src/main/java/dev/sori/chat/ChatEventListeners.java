package dev.sori.chat;

import dev.sori.protocol.ErrorCode;
import java.util.List;

/**
 * Several {@link ChatEvents} listeners as one ({@link ChatEvents#all}): each event goes to each, in
 * order. An array, not a list: this runs for every delivery.
 */
final class ChatEventListeners implements ChatEvents {
    private final ChatEvents[] listeners;

    ChatEventListeners(List<ChatEvents> listeners) {
        this.listeners = listeners.toArray(ChatEvents[]::new);
    }

    @Override
    public void connected(String sid, String identityId, boolean resumed, int connections) {
        for (ChatEvents l : listeners) {
            l.connected(sid, identityId, resumed, connections);
        }
    }

    @Override
    public void refusedOverCap(String address, int open) {
        for (ChatEvents l : listeners) {
            l.refusedOverCap(address, open);
        }
    }

    @Override
    public void disconnected(String sid, int closeCode, int connections) {
        for (ChatEvents l : listeners) {
            l.disconnected(sid, closeCode, connections);
        }
    }

    @Override
    public void floodedBeforeWelcome(String sid, int max) {
        for (ChatEvents l : listeners) {
            l.floodedBeforeWelcome(sid, max);
        }
    }

    @Override
    public void rateLimited(String sid, int perSecond, int burst) {
        for (ChatEvents l : listeners) {
            l.rateLimited(sid, perSecond, burst);
        }
    }

    @Override
    public void flooded(String sid, int factor) {
        for (ChatEvents l : listeners) {
            l.flooded(sid, factor);
        }
    }

    @Override
    public void refused(String sid, String type, ErrorCode code) {
        for (ChatEvents l : listeners) {
            l.refused(sid, type, code);
        }
    }

    @Override
    public void failed(String sid, String type, Throwable redacted) {
        for (ChatEvents l : listeners) {
            l.failed(sid, type, redacted);
        }
    }

    @Override
    public void posted(Message message, long nanos) {
        for (ChatEvents l : listeners) {
            l.posted(message, nanos);
        }
    }

    @Override
    public void delivered(int messages, int frames, long nanos) {
        for (ChatEvents l : listeners) {
            l.delivered(messages, frames, nanos);
        }
    }

    @Override
    public void committed(int messages, long nanos) {
        for (ChatEvents l : listeners) {
            l.committed(messages, nanos);
        }
    }

    @Override
    public void duplicatePost(Message original) {
        for (ChatEvents l : listeners) {
            l.duplicatePost(original);
        }
    }

    @Override
    public void slowConsumer(String sid, int pendingFrames, long pendingBytes) {
        for (ChatEvents l : listeners) {
            l.slowConsumer(sid, pendingFrames, pendingBytes);
        }
    }

    @Override
    public void sendTimedOut(String sid, long stalledMillis, int pendingFrames, long pendingBytes) {
        for (ChatEvents l : listeners) {
            l.sendTimedOut(sid, stalledMillis, pendingFrames, pendingBytes);
        }
    }

    @Override
    public void pingTimedOut(String sid) {
        for (ChatEvents l : listeners) {
            l.pingTimedOut(sid);
        }
    }

    @Override
    public void roomCreated(String room, String ownerId, boolean locked) {
        for (ChatEvents l : listeners) {
            l.roomCreated(room, ownerId, locked);
        }
    }

    @Override
    public void roomDeleted(String room, String byIdentityId) {
        for (ChatEvents l : listeners) {
            l.roomDeleted(room, byIdentityId);
        }
    }

    @Override
    public void moderated(String room, String action, String byIdentityId) {
        for (ChatEvents l : listeners) {
            l.moderated(room, action, byIdentityId);
        }
    }

    @Override
    public void closed(int connections) {
        for (ChatEvents l : listeners) {
            l.closed(connections);
        }
    }
}
