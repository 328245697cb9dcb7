package dev.sori.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What every {@link LedgerClient} received, per room, checked against the delivery promises as
 * it arrives and against the database at the end:
 * <ul>
 * <li>each client's stream of a room (join history, then live {@code message}s, across
 * reconnects that rejoin with {@code since}) goes up strictly by one: no gap, no duplicate, no
 * reordering;
 * <li>every client that saw a {@code seq} saw the same message there (author and text), so all
 * clients see one order;
 * <li>every acked {@code seq} holds the text its sender posted, and reached the clients that
 * stayed ({@link #assertEveryoneSaw});
 * <li>{@link #assertMatchesDatabase}: {@code SELECT room_id, seq FROM messages} is 1..N with no
 * gap, contains every acked and every delivered {@code seq}, and each client that stayed saw all
 * of it.
 * </ul>
 * Only rooms a client joined itself ({@code join} or {@code create_room}) are tracked: the
 * automatic membership of {@code general} starts with no history to anchor the stream, and a new
 * connection re-enters it without {@code since}.
 */
public final class DeliveryLedger {
    /** A message as the protocol shows it; two clients seeing different ones at one seq disagree on order. */
    public record Seen(String uid, String nick, String text) {
    }

    private record Acked(String client, String text) {
    }

    /** One client's view of one room: the seqs in arrival order, and the last one (null: no anchor yet). */
    private static final class Stream {
        final List<Long> seqs = new ArrayList<>();
        Long last;
    }

    private final Map<String, Map<String, Stream>> streams = new HashMap<>(); // client -> room -> stream
    private final Map<String, TreeMap<Long, Seen>> canonical = new HashMap<>(); // room -> seq -> first seen
    private final Map<String, Map<Long, Acked>> acked = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long deliveries;

    /**
     * {@code client} joined {@code room}; {@code history} is what the join ack replayed, oldest
     * first. With {@code since} and {@code recovered}, the stream carries on from {@code since};
     * otherwise it starts again from the history (or the next live message).
     */
    public synchronized void joined(String client, String room, Long since, boolean recovered, List<Long> historySeqs,
            List<Seen> history) {
        Stream stream = stream(client, room);
        if (since != null && recovered) {
            if (stream.last != null && stream.last.longValue() != since) {
                violations.add(client + " in " + room + ": rejoined with since=" + since + " but had seen up to "
                        + stream.last);
            }
            stream.last = since;
        } else {
            stream.last = null;
        }
        for (int i = 0; i < historySeqs.size(); i++) {
            record(client, room, stream, historySeqs.get(i), history.get(i));
        }
    }

    /** A live {@code message} event of a tracked room. */
    public synchronized void delivered(String client, String room, long seq, Seen seen) {
        Stream stream = streams.getOrDefault(client, Map.of()).get(room);
        if (stream == null) {
            return; // not a room this client joined itself
        }
        deliveries++;
        record(client, room, stream, seq, seen);
    }

    /** {@code client} got an ack for posting {@code text} to {@code room} with {@code seq}. */
    public synchronized void acked(String client, String room, long seq, String text) {
        Acked previous = acked.computeIfAbsent(room, r -> new HashMap<>()).putIfAbsent(seq, new Acked(client, text));
        if (previous != null && !(previous.client().equals(client) && previous.text().equals(text))) {
            violations.add(room + " seq " + seq + " acked twice: to " + previous + " and to " + client + " for " + text);
        }
        Seen seen = canonical.getOrDefault(room, new TreeMap<>()).get(seq);
        if (seen != null && !seen.text().equals(text)) {
            violations.add(room + " seq " + seq + " acked to " + client + " for \"" + text + "\" but delivered as " + seen);
        }
    }

    private void record(String client, String room, Stream stream, long seq, Seen seen) {
        if (stream.last != null && seq != stream.last + 1) {
            String what = seq <= stream.last ? (stream.seqs.contains(seq) ? "duplicate" : "out of order") : "gap";
            violations.add(client + " in " + room + ": seq " + seq + " after " + stream.last + " (" + what + ")");
        }
        stream.seqs.add(seq);
        stream.last = stream.last == null ? seq : Math.max(stream.last, seq);
        Seen first = canonical.computeIfAbsent(room, r -> new TreeMap<>()).putIfAbsent(seq, seen);
        if (first != null && !first.equals(seen)) {
            violations.add(room + " seq " + seq + ": " + client + " saw " + seen + ", an earlier client saw " + first);
        }
        Acked ack = acked.getOrDefault(room, Map.of()).get(seq);
        if (ack != null && !ack.text().equals(seen.text())) {
            violations.add(room + " seq " + seq + " acked to " + ack.client() + " for \"" + ack.text()
                    + "\" but delivered to " + client + " as " + seen);
        }
    }

    /** The last seq {@code client} saw in {@code room}, or null. */
    public synchronized Long last(String client, String room) {
        Stream stream = streams.getOrDefault(client, Map.of()).get(room);
        return stream == null ? null : stream.last;
    }

    /** Whether {@code client} tracks {@code room} (joined it itself). */
    public synchronized boolean tracks(String client, String room) {
        return streams.getOrDefault(client, Map.of()).containsKey(room);
    }

    /** Every live message event recorded so far, over all clients and rooms. */
    public synchronized long deliveries() {
        return deliveries;
    }

    /** The acked seqs of {@code room}. */
    public synchronized SortedSet<Long> ackedSeqs(String room) {
        return new TreeSet<>(acked.getOrDefault(room, Map.of()).keySet());
    }

    /** The seqs {@code client} saw in {@code room}, in arrival order. */
    public synchronized List<Long> seqs(String client, String room) {
        Stream stream = streams.getOrDefault(client, Map.of()).get(room);
        return stream == null ? List.of() : List.copyOf(stream.seqs);
    }

    /** Every order, duplicate, gap and content violation so far. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Fails with every violation recorded so far (streams, order, acks). */
    public synchronized void assertConsistent() {
        if (!violations.isEmpty()) {
            fail(violations.size() + " delivery violation(s):\n  " + String.join("\n  ", violations.subList(0,
                    Math.min(50, violations.size()))));
        }
    }

    /**
     * {@link #assertConsistent}, and each of {@code clients} saw, in {@code room}, every acked seq
     * and every seq anyone saw, from the first it saw on.
     */
    public synchronized void assertEveryoneSaw(String room, Collection<String> clients) {
        assertConsistent();
        SortedSet<Long> wanted = new TreeSet<>(acked.getOrDefault(room, Map.of()).keySet());
        wanted.addAll(canonical.getOrDefault(room, new TreeMap<>()).keySet());
        List<String> problems = new ArrayList<>();
        for (String client : clients) {
            problems.addAll(missing(client, room, wanted));
        }
        if (!problems.isEmpty()) {
            fail("not everyone saw everything in " + room + ":\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * {@link #assertConsistent}, and for every tracked room: the stored seqs ({@code stored}, from
     * {@code SELECT room_id, seq FROM messages}) are 1..N with no gap; every acked and every
     * delivered seq is stored; each of {@code clients} saw every stored seq from the first it saw.
     */
    public synchronized void assertMatchesDatabase(Map<String, ? extends Collection<Long>> stored,
            Collection<String> clients) {
        assertConsistent();
        List<String> problems = new ArrayList<>();
        Set<String> rooms = new TreeSet<>(canonical.keySet());
        rooms.addAll(acked.keySet());
        for (String room : rooms) {
            Collection<Long> rows = stored.get(room);
            SortedSet<Long> inDb = rows == null ? new TreeSet<>() : new TreeSet<>(rows);
            if (!inDb.isEmpty() && (inDb.first() != 1 || inDb.last() != inDb.size())) {
                problems.add(room + ": the database's seqs are not 1.." + inDb.size() + ": " + summary(inDb));
            }
            SortedSet<Long> ackedNotStored = new TreeSet<>(acked.getOrDefault(room, Map.of()).keySet());
            ackedNotStored.removeAll(inDb);
            if (!ackedNotStored.isEmpty()) {
                problems.add(room + ": acked but not in the database: " + summary(ackedNotStored));
            }
            SortedSet<Long> seenNotStored = new TreeSet<>(canonical.getOrDefault(room, new TreeMap<>()).keySet());
            seenNotStored.removeAll(inDb);
            if (!seenNotStored.isEmpty()) {
                problems.add(room + ": delivered but not in the database: " + summary(seenNotStored));
            }
            for (String client : clients) {
                if (tracks(client, room)) {
                    problems.addAll(missing(client, room, inDb));
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("clients and database disagree:\n  " + String.join("\n  ", problems));
        }
    }

    /** {@code SELECT room_id, seq FROM messages} of {@code database}: each room's stored seqs, ascending. */
    public static Map<String, List<Long>> storedSeqs(PostgresDatabase database) {
        Properties props = new Properties();
        props.setProperty("user", PostgresDatabase.USER);
        props.setProperty("password", PostgresDatabase.PASSWORD);
        Map<String, List<Long>> stored = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(database.url(), props);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT room_id, seq FROM messages ORDER BY room_id, seq")) {
            while (rs.next()) {
                stored.computeIfAbsent(rs.getString(1), r -> new ArrayList<>()).add(rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the messages of " + database, e);
        }
        return stored;
    }

    /** Rooms, seqs, acks and deliveries in a few lines, for a test's report. */
    public synchronized String summary() {
        Map<String, String> rooms = new LinkedHashMap<>();
        for (var e : new TreeMap<>(canonical).entrySet()) {
            rooms.put(e.getKey(), e.getValue().size() + " seqs, " + acked.getOrDefault(e.getKey(), Map.of()).size()
                    + " acked");
        }
        return "ledger: " + rooms + ", " + deliveries + " live deliveries, " + violations.size() + " violations";
    }

    private List<String> missing(String client, String room, SortedSet<Long> wanted) {
        Stream stream = streams.getOrDefault(client, Map.of()).get(room);
        if (stream == null || stream.seqs.isEmpty()) {
            return wanted.isEmpty() ? List.of() : List.of(client + " saw nothing in " + room);
        }
        long from = stream.seqs.get(0);
        SortedSet<Long> missing = new TreeSet<>(wanted.tailSet(from));
        missing.removeAll(stream.seqs);
        return missing.isEmpty() ? List.of() : List.of(client + " in " + room + " missed " + summary(missing));
    }

    private Stream stream(String client, String room) {
        return streams.computeIfAbsent(client, c -> new HashMap<>()).computeIfAbsent(room, r -> new Stream());
    }

    /** Seqs as ranges: "1..40, 42, 45..50". */
    static String summary(SortedSet<Long> seqs) {
        StringBuilder sb = new StringBuilder();
        Long start = null;
        Long prev = null;
        for (long s : seqs) {
            if (prev != null && s == prev + 1) {
                prev = s;
                continue;
            }
            if (start != null) {
                sb.append(sb.length() > 0 ? ", " : "").append(start.equals(prev) ? start : start + ".." + prev);
            }
            start = s;
            prev = s;
        }
        if (start != null) {
            sb.append(sb.length() > 0 ? ", " : "").append(start.equals(prev) ? start : start + ".." + prev);
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
