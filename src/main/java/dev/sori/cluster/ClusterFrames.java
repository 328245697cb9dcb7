package dev.sori.cluster;

import dev.sori.chat.Media;
import dev.sori.chat.Message;
import dev.sori.chat.Moderation;
import dev.sori.chat.Presence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames nodes send each other, in a compact binary form (no JSON on the hot path). Every
 * frame starts with its kind, the sending node's id and its incarnation (a random number per
 * start, so that a restarted node is told from its former self).
 */
final class ClusterFrames {
    static final byte HEARTBEAT = 'H';
    static final byte MESSAGES = 'M';
    static final byte ROOMS_CHANGED = 'R';
    static final byte MODERATION = 'X';
    static final byte PRESENCE = 'P';
    static final byte TYPING = 'T';
    static final byte SNAPSHOT_REQUEST = 'Q';
    static final byte SNAPSHOT = 'S';
    static final byte GOODBYE = 'B';

    static final byte JOINED = 'J';
    static final byte LEFT = 'L';
    static final byte RENAMED = 'N';

    private ClusterFrames() {
    }

    /** The common start of every frame. */
    record Header(byte kind, String origin, long incarnation) {
    }

    /** One numbered presence event of the origin. */
    record PresenceEvent(long number, byte change, String room, Presence.Member who, String oldNick) {
    }

    /** Someone typing, on another node. */
    record Typing(String room, Presence.Member who) {
    }

    /** One member of a snapshot: {@code connections} connections of {@code who} in {@code room}. */
    record SnapshotEntry(String room, Presence.Member who, int connections) {
    }

    /** Writes a frame: a header, then what {@code body} writes. */
    static byte[] write(byte kind, String origin, long incarnation, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind);
            out.writeUTF(origin);
            out.writeLong(incarnation);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;

        Body NONE = out -> { };
    }

    static DataInputStream reader(byte[] frame) {
        return new DataInputStream(new ByteArrayInputStream(frame));
    }

    static Header header(DataInputStream in) throws IOException {
        return new Header(in.readByte(), in.readUTF(), in.readLong());
    }

    static Body messages(List<Message> run) {
        return out -> {
            out.writeInt(run.size());
            for (Message m : run) {
                out.writeUTF(m.room());
                out.writeLong(m.seq());
                writeNullable(out, m.authorId());
                out.writeUTF(m.nick());
                out.writeUTF(m.color());
                writeLong(out, m.text());
                out.writeLong(m.ts());
                writeNullable(out, m.cid());
                writeMedia(out, m.media());
                out.writeBoolean(m.bot());
                out.writeBoolean(m.deleted());
            }
        };
    }

    static List<Message> readMessages(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Message> run = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String room = in.readUTF();
            long seq = in.readLong();
            String authorId = readNullable(in);
            String nick = in.readUTF();
            String color = in.readUTF();
            String text = readLong(in);
            long ts = in.readLong();
            String cid = readNullable(in);
            Media media = readMedia(in);
            boolean bot = in.readBoolean();
            boolean deleted = in.readBoolean();
            // "except" (echo:false) names a connection of the origin node: nobody here.
            run.add(new Message(room, seq, authorId, nick, color, text, media, ts, cid, null, bot, deleted));
        }
        return run;
    }

    private static void writeMedia(DataOutputStream out, Media media) throws IOException {
        out.writeBoolean(media != null);
        if (media != null) {
            out.writeUTF(media.id());
            out.writeUTF(media.type());
            out.writeInt(media.width());
            out.writeInt(media.height());
            out.writeLong(media.bytes());
        }
    }

    private static Media readMedia(DataInputStream in) throws IOException {
        return in.readBoolean()
                ? new Media(in.readUTF(), in.readUTF(), in.readInt(), in.readInt(), in.readLong())
                : null;
    }

    static Body moderation(Moderation decision) {
        return out -> {
            out.writeUTF(decision.room());
            out.writeByte(decision.kind().ordinal());
            writeNullable(out, decision.uid());
            out.writeLong(decision.seq());
            writeNullable(out, decision.byNick());
        };
    }

    static Moderation readModeration(DataInputStream in) throws IOException {
        return new Moderation(in.readUTF(), Moderation.Kind.values()[in.readByte()], readNullable(in), in.readLong(),
                readNullable(in));
    }

    static Body presence(PresenceEvent event) {
        return out -> {
            out.writeLong(event.number());
            out.writeByte(event.change());
            out.writeUTF(event.room());
            writeMember(out, event.who());
            writeNullable(out, event.oldNick());
        };
    }

    static PresenceEvent readPresence(DataInputStream in) throws IOException {
        return new PresenceEvent(in.readLong(), in.readByte(), in.readUTF(), readMember(in), readNullable(in));
    }

    static Body typing(String room, Presence.Member who) {
        return out -> {
            out.writeUTF(room);
            writeMember(out, who);
        };
    }

    static Typing readTyping(DataInputStream in) throws IOException {
        return new Typing(in.readUTF(), readMember(in));
    }

    static Body heartbeat(long lastEvent) {
        return out -> out.writeLong(lastEvent);
    }

    static Body snapshotRequest(String target) {
        return out -> out.writeUTF(target);
    }

    static Body snapshot(long lastEvent, List<SnapshotEntry> entries) {
        return out -> {
            out.writeLong(lastEvent);
            out.writeInt(entries.size());
            for (SnapshotEntry e : entries) {
                out.writeUTF(e.room());
                writeMember(out, e.who());
                out.writeInt(e.connections());
            }
        };
    }

    static List<SnapshotEntry> readSnapshotEntries(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<SnapshotEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new SnapshotEntry(in.readUTF(), readMember(in), in.readInt()));
        }
        return entries;
    }

    private static void writeMember(DataOutputStream out, Presence.Member who) throws IOException {
        out.writeUTF(who.identityId());
        out.writeUTF(who.uid());
        out.writeUTF(who.nick());
        out.writeUTF(who.color());
    }

    private static Presence.Member readMember(DataInputStream in) throws IOException {
        return new Presence.Member(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF());
    }

    /** Text of any length (writeUTF stops at 64 KiB). */
    private static void writeLong(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readLong(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
