package dev.sori.http;

/**
 * Whether this node can serve now, as {@code GET /readyz} reports it to a load balancer. Answers
 * at once: an implementation never waits on the database on the caller's thread (it reads what a
 * check of its own found).
 */
@FunctionalInterface
public interface Readiness {
    /** The in-memory chat: nothing to wait for, always ready. */
    Readiness ALWAYS = () -> null;

    /** Null when ready; otherwise why not, one short line for operators, without secrets. */
    String notReadyBecause();
}
