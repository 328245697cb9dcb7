package dev.sori.store;

/**
 * Hears every message this node commits, in commit order: for each room strictly in seq order,
 * with no gap among this node's messages. This is where the chat layer broadcasts, because
 * callbacks on the futures of {@link MessageStore#append} cannot promise an order (a callback
 * attached after completion runs on the attaching thread, whenever that is).
 *
 * <p>Runs on the store's single delivery thread, just before the message's append future is
 * completed. It must not block or call the database: every later message of every room waits
 * behind it. An exception it throws is logged and otherwise ignored.
 *
 * <p>Messages committed by other nodes sharing the database are not heard here.
 */
@FunctionalInterface
public interface CommitListener {
    void committed(StoredMessage message);
}
