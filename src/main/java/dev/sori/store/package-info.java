/**
 * Sori's storage: identities, rooms and every room's message history, in plain JDBC behind
 * small interfaces ({@link dev.sori.store.MessageStore}, {@link dev.sori.store.RoomStore},
 * {@link dev.sori.store.IdentityStore}), opened by {@link dev.sori.store.Storage}.
 *
 * <p>The database is the embedded H2 in a file under the data directory by default, or
 * PostgreSQL; the same Flyway migrations ({@code db/migration}, portable SQL, no compatibility
 * mode) run on both, and HikariCP pools the connections.
 *
 * <p>The design in three promises:
 * <ul>
 *   <li><b>seq</b>: a room's messages are numbered 1, 2, 3, ... by a counter on the room's row,
 *       advanced in the very transaction that inserts them, under a unique key on (room, seq).
 *       Any number of writers on one PostgreSQL hand out each seq once, and never skip one (one
 *       Sori process serves a database until cluster mode: {@link dev.sori.store.Storage}).</li>
 *   <li><b>ack after commit, without blocking anyone</b>: appends are queued to one writer
 *       thread per node that commits them in batches (group commit), and complete, in seq
 *       order, on one delivery thread only after the commit.</li>
 *   <li><b>recovery</b>: "since seq s" returns exactly s+1 .. last, or says it cannot
 *       ({@code recovered=false}) and returns the latest page instead.</li>
 * </ul>
 * Nothing in this package logs message text, passwords or tokens.
 */
package dev.sori.store;
