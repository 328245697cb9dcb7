package dev.sori.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lets a connection's writes through until its close, then none, and runs the close once every
 * write let through before it has been handed to the container: at once when none is being handed
 * over, else on the thread of the last of them, as it returns. RFC 6455 §5.5.1: no data frame
 * after the close frame.
 *
 * <p>Nothing here waits, on purpose. Handing bytes to the container can close the connection on
 * the spot (a broken socket): the container then tells the chat ({@code @OnClose}), which
 * broadcasts the leave to the other members, on that same thread, through their gates. A lock per
 * connection held across the hand-over would be taken for member B while holding member A's, and
 * the other way round on another thread: a deadlock. A count is never held.
 *
 * <p>Usage: {@code if (gate.enter()) try { hand over } finally { gate.exit(); }}; {@link #close}
 * once; {@link #afterClose} for what must follow the close (the container's closing of the
 * connection after its close frame). Any thread.
 */
final class ClosingGate {
    /** The low bits of {@link #state}: writes being handed over. */
    private static final int WRITING = (1 << 20) - 1;
    /** A close was asked for: nothing more is let through. */
    private static final int CLOSING = 1 << 20;
    /** The close has run. */
    private static final int CLOSED = 1 << 21;
    /** Something waits for the close to have run. */
    private static final int AFTER_ASKED = 1 << 22;
    /** A close has been taken; set before {@link #CLOSING}, so that a second one is refused. */
    private static final int TAKEN = 1 << 23;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ClosingGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /** Published by setting {@link #CLOSING}, read after seeing it. */
    private Runnable close;
    /** Published by setting {@link #AFTER_ASKED}. */
    private Runnable after;

    /** Reads the state, as {@link #enter} will, without changing it: a read ahead of a batch of writes. */
    void prefetch() {
        STATE.getOpaque(this);
    }

    /** True when a write may be handed over now; then {@link #exit} must follow it. */
    boolean enter() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /** The write let through by {@link #enter} has been handed over (or failed). */
    void exit() {
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if ((s & WRITING) == 0 && (s & CLOSING) != 0) {
            runClose(); // the close waited for this write
        }
    }

    /** Takes the close, to run after the writes in progress; false when one was taken already. */
    boolean close(Runnable action) {
        if (((int) STATE.getAndBitwiseOr(this, TAKEN) & TAKEN) != 0) {
            return false;
        }
        close = action;
        if (((int) STATE.getAndBitwiseOr(this, CLOSING) & WRITING) == 0) {
            runClose();
        }
        return true;
    }

    /** Runs {@code action} once the close has run: now when it has, or when none was asked for. Called once. */
    void afterClose(Runnable action) {
        after = action;
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) == 0 || (s & CLOSED) != 0) {
                after = null;
                action.run();
                return;
            }
            if (STATE.compareAndSet(this, s, s | AFTER_ASKED)) {
                return; // runClose() runs it
            }
        }
    }

    /** Runs once: by close() when nothing was being written, else by the last exit(). */
    private void runClose() {
        Runnable action = close;
        close = null;
        try {
            action.run();
        } finally {
            if (((int) STATE.getAndBitwiseOr(this, CLOSED) & AFTER_ASKED) != 0) {
                Runnable then = after;
                after = null;
                then.run();
            }
        }
    }
}
