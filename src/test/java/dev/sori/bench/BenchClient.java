package dev.sori.bench;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated user. It reads every frame the server sends and keeps count; for the load
 * phases it records the latency of each bench message from the time it was <em>scheduled</em>
 * to be sent (coordinated-omission safe) and checks that the room's {@code seq} has no gaps.
 *
 * <p>Frames are recognised by a fast path that relies on the server's field order
 * ({@code {"type":"message",...}}) and by a full JSON parse otherwise, so the generator still
 * works against a server that orders fields differently, only slower.
 */
final class BenchClient implements Transport.Handler {
    final int index;
    private final Run run;
    volatile Transport.Conn conn;
    /** Whether this client's latencies go into the histogram. */
    volatile boolean record = true;

    final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    long connectStartNanos;
    volatile long welcomeNanos;

    // Written only by the connection's callback thread; volatile so that the monitor can read them.
    volatile long benchReceived;
    volatile long acks;
    volatile long errors;
    volatile int maxCount;
    volatile int lastCount;
    /** The lowest count seen since {@link #resetMinCount()}: shows members who left and came back. */
    volatile int minCount = Integer.MAX_VALUE;
    volatile long systemFrames;
    volatile long coalescedFrames;
    volatile long frames;
    volatile boolean closed;
    volatile int closeCode = -1;
    private long lastSeq = -1;
    volatile long seqGaps;
    volatile long seqBackwards;

    BenchClient(int index, Run run) {
        this.index = index;
        this.run = run;
    }

    /** Forgets the counts of the previous phase (call while no bench traffic flows). */
    void resetPhase() {
        benchReceived = 0;
        acks = 0;
        errors = 0;
    }

    void resetMinCount() {
        minCount = Integer.MAX_VALUE;
    }

    void send(String text) {
        conn.send(text);
    }

    boolean open() {
        return conn != null && !closed;
    }

    @Override
    public void onText(String s) {
        long now = System.nanoTime();
        frames++;
        if (s.startsWith("{\"type\":\"message\"")) {
            onMessage(s, now);
        } else if (s.startsWith("{\"type\":\"system\"")) {
            onSystem(intAfter(s, "\"count\":"), s.indexOf("\"nicks\":[") >= 0);
        } else if (s.startsWith("{\"type\":\"ack\"")) {
            acks++;
        } else if (s.startsWith("{\"type\":\"welcome\"")) {
            onWelcome(now);
        } else {
            onOther(s, now);
        }
    }

    private void onMessage(String s, long now) {
        checkSeq(longAfter(s, "\"seq\":"));
        int t = s.indexOf("\"text\":\"");
        if (t >= 0) {
            onBenchText(s, t + 8, now);
        }
    }

    /** {@code text} from {@code from}: {@code b:<phase>:<sender>:<n>:<scheduledNanos>}. */
    private void onBenchText(String s, int from, long now) {
        String tag = run.tag;
        if (!s.startsWith(tag, from)) {
            return; // not ours, or an earlier phase's
        }
        int p = s.indexOf(':', from + tag.length()); // after <sender>
        int sender = (int) parseLong(s, from + tag.length());
        p = s.indexOf(':', p + 1); // after <n>
        long scheduled = parseLong(s, p + 1);
        benchReceived++;
        boolean inWindow = record && scheduled >= run.windowStart && scheduled < run.windowEnd;
        long micros = Math.max(0, (now - scheduled) / 1000);
        if (inWindow) {
            run.latency.recordValue(micros);
        }
        if (record) {
            run.delivered(sender, index, scheduled, micros, inWindow);
        }
    }

    private void checkSeq(long seq) {
        if (lastSeq >= 0) {
            if (seq > lastSeq + 1) {
                seqGaps += seq - lastSeq - 1;
            } else if (seq <= lastSeq) {
                seqBackwards++;
            }
        }
        lastSeq = seq;
    }

    private void onSystem(int count, boolean coalesced) {
        systemFrames++;
        if (coalesced) {
            coalescedFrames++;
        }
        lastCount = count;
        if (count < minCount) {
            minCount = count;
        }
        if (count > maxCount) {
            maxCount = count;
        }
    }

    private void onWelcome(long now) {
        welcomeNanos = now;
        run.handshakes.recordValue(Math.max(0, (now - connectStartNanos) / 1000));
        welcomed.complete(null);
    }

    /** Anything else, or a server whose field order differs: parse it properly. */
    private void onOther(String s, long now) {
        JsonObject frame;
        try (JsonReader reader = Json.createReader(new StringReader(s))) {
            frame = reader.readObject();
        } catch (RuntimeException e) {
            run.sample("unparsable frame: " + s);
            return;
        }
        String type = frame.getString("type", "");
        JsonValue payload = frame.get("payload");
        JsonObject p = payload instanceof JsonObject ? (JsonObject) payload : JsonValue.EMPTY_JSON_OBJECT;
        switch (type) {
            case "message":
                if (p.get("seq") instanceof JsonNumber seq) {
                    checkSeq(seq.longValue());
                }
                if (p.get("text") instanceof JsonString text) {
                    String t = "\"" + text.getString() + "\"";
                    onBenchText(t, 1, now);
                }
                break;
            case "system":
                onSystem(p.getInt("count", 0), p.containsKey("nicks"));
                break;
            case "ack":
                acks++;
                break;
            case "welcome":
                onWelcome(now);
                break;
            case "error":
                errors++;
                run.sample("error: " + s);
                break;
            default:
                break; // typing, room_updated, ...: counted in frames only
        }
    }

    @Override
    public void onClose(int code, String reason) {
        closed = true;
        closeCode = code;
        if (code == 1013) {
            run.closes1013.increment();
        } else {
            run.closesOther.increment();
            if (code != 1000) {
                run.sample("client " + index + " closed " + code + " " + reason);
            }
        }
        welcomed.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
    }

    @Override
    public void onError(Throwable failure) {
        if (!closed) {
            run.transportErrors.increment();
            run.sample("client " + index + " error " + failure);
        }
        closed = true;
        welcomed.completeExceptionally(failure);
    }

    static long longAfter(String s, String key) {
        int i = s.indexOf(key);
        return i < 0 ? -1 : parseLong(s, i + key.length());
    }

    static int intAfter(String s, String key) {
        return (int) longAfter(s, key);
    }

    static long parseLong(String s, int from) {
        long v = 0;
        int i = from;
        boolean negative = i < s.length() && s.charAt(i) == '-';
        if (negative) {
            i++;
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }
}
