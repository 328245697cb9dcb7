package dev.sori.store;

import dev.sori.chat.Message;
import java.util.List;

/**
 * Hears every message this node commits, in commit order: for each room strictly in seq order,
 * with no gap among this node's messages. This is where the chat layer broadcasts, because
 * callbacks on the futures of {@link MessageStore#append} cannot promise an order (a callback
 * attached after completion runs on the attaching thread, whenever that is).
 *
 * <p>Messages come in runs: each call carries what one or more consecutive transactions committed,
 * in commit order. When delivery keeps up, a run is one transaction's batch; when the listeners
 * are slower than the commits (a big room's fan-out), commits bunch up behind them and the next
 * call takes them all, so that a room can send them to each member in one write.
 *
 * <p>Runs on the store's single delivery thread, just before the messages' append futures are
 * completed. It must not block or call the database: every later message of every room waits
 * behind it. An exception it throws is logged and otherwise ignored.
 *
 * <p>Messages committed by other nodes sharing the database are not heard here.
 */
@FunctionalInterface
public interface CommitListener {
    /** A run of committed messages, never empty, in commit order; the list must not be kept. */
    void committed(List<Message> messages);
}
