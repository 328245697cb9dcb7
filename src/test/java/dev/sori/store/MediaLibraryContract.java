package dev.sori.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.Media;
import dev.sori.chat.Message;
import dev.sori.media.MediaLibrary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link MediaLibrary} promises, run against each database (files beside H2, a table on PostgreSQL). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class MediaLibraryContract extends StoreContract {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));

    private Storage openWithClock() {
        return open(backend.settings(), clock);
    }

    /** {@code n} bytes of noise, as a file in the library's scratch directory, and its description. */
    private static Upload upload(MediaLibrary library, int n, long seed) throws IOException {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        Path file = Files.createTempFile(library.scratch(), "up", ".part");
        Files.write(file, bytes);
        return new Upload(file, bytes, new Media(sha256(bytes), "image/png", 640, 480, n));
    }

    private record Upload(Path file, byte[] bytes, Media media) {
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] read(MediaLibrary library, String id, long from, long length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        library.copy(id, from, length, out);
        return out.toByteArray();
    }

    private int count(String sql) throws SQLException {
        try (Connection c = backend.connect(); var st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Message withMedia(String room, Media media) {
        return Message.draft(room, "id-ada", "ada", "#2a9d8f", "a caption", media, null, null);
    }

    @Test
    void keptImageIsFoundAndReadWholeOrInParts() throws IOException {
        MediaLibrary library = openWithClock().media();
        Upload up = upload(library, 700_000, 1); // more than one part of a table read
        library.keep(up.file(), up.media(), "id-ada");

        assertThat(Files.exists(up.file())).as("the upload's file is taken").isFalse();
        assertThat(library.find(up.media().id())).isEqualTo(up.media());
        assertThat(read(library, up.media().id(), 0, up.bytes().length)).isEqualTo(up.bytes());
        assertThat(read(library, up.media().id(), 300_000, 10)).isEqualTo(
                java.util.Arrays.copyOfRange(up.bytes(), 300_000, 300_010));
        assertThat(library.find(sha256(new byte[] {1}))).isNull();
    }

    @Test
    void theSameImageUploadedTwiceIsKeptOnceAndBelongsToBothUploaders() throws Exception {
        Storage s = openWithClock();
        MediaLibrary library = s.media();
        Upload first = upload(library, 10_000, 2);
        Upload again = upload(library, 10_000, 2);
        library.keep(first.file(), first.media(), "id-ada");
        library.keep(again.file(), again.media(), "id-bob");

        assertThat(count("SELECT COUNT(*) FROM media WHERE id = '" + first.media().id() + "'")).isEqualTo(1);
        assertThat(library.uploadedBy("id-ada", first.media().id())).isEqualTo(first.media());
        assertThat(library.uploadedBy("id-bob", first.media().id())).isEqualTo(first.media());
        assertThat(library.uploadedBy("id-eve", first.media().id())).as("not eve's upload").isNull();
        assertThat(read(library, first.media().id(), 0, 10_000)).isEqualTo(first.bytes());
    }

    @Test
    void anUploadCanBePostedForTwentyThreeHoursAndIsRemovedUnpostedAfterADay() throws IOException {
        MediaLibrary library = openWithClock().media();
        Upload up = upload(library, 5_000, 3);
        library.keep(up.file(), up.media(), "id-ada");

        clock.advance(Duration.ofHours(22));
        assertThat(library.uploadedBy("id-ada", up.media().id())).isNotNull();
        library.sweep(clock.millis());
        assertThat(library.find(up.media().id())).isNotNull();
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        assertThat(library.uploadedBy("id-ada", up.media().id())).as("past the time to post it").isNull();
        assertThat(library.find(up.media().id())).as("kept a little longer").isNotNull();
        clock.advance(Duration.ofHours(1));
        assertThat(library.sweep(clock.millis())).isPositive();
        assertThat(library.find(up.media().id())).isNull();
    }

    @Test
    void aPostedImageLivesAsLongAsAMessageCarriesItAndGoesWithItsRoom() throws IOException {
        Storage s = openWithClock();
        MediaLibrary library = s.media();
        Upload up = upload(library, 5_000, 4);
        library.keep(up.file(), up.media(), "id-ada");
        String room = newRoom(s);
        Message stored = Appends.append(s.messages(), withMedia(room, up.media())).join();

        assertThat(stored.media()).isEqualTo(up.media());
        assertThat(s.messages().latest(room, 10)).singleElement()
                .satisfies(m -> {
                    assertThat(m.media()).isEqualTo(up.media());
                    assertThat(m.text()).isEqualTo("a caption");
                });
        clock.advance(Duration.ofDays(3));
        library.sweep(clock.millis());
        assertThat(library.find(up.media().id())).as("a message carries it").isNotNull();
        assertThat(read(library, up.media().id(), 0, 5_000)).isEqualTo(up.bytes());

        s.rooms().delete(room);
        assertThat(library.sweep(clock.millis())).isPositive();
        assertThat(library.find(up.media().id())).isNull();
    }

    @Test
    void anImageStaysWhileAnotherRoomStillCarriesItAndAnEmptyCaptionIsKept() throws IOException {
        Storage s = openWithClock();
        MediaLibrary library = s.media();
        Upload up = upload(library, 5_000, 5);
        library.keep(up.file(), up.media(), "id-ada");
        String one = newRoom(s);
        String two = newRoom(s);
        Appends.append(s.messages(), withMedia(one, up.media())).join();
        Appends.append(s.messages(), Message.draft(two, "id-ada", "ada", "#2a9d8f", "", up.media(), null, null)).join();

        s.rooms().delete(one);
        library.sweep(clock.millis());
        assertThat(library.find(up.media().id())).isNotNull();
        assertThat(s.messages().latest(two, 10)).singleElement().satisfies(m -> assertThat(m.text()).isEmpty());
        s.rooms().delete(two);
        library.sweep(clock.millis());
        assertThat(library.find(up.media().id())).isNull();
    }

    @Test
    void uploadingAPostedImageAgainKeepsItForADayAfterItsMessagesGo() throws IOException {
        Storage s = openWithClock();
        MediaLibrary library = s.media();
        Upload up = upload(library, 5_000, 6);
        library.keep(up.file(), up.media(), "id-ada");
        String room = newRoom(s);
        Appends.append(s.messages(), withMedia(room, up.media())).join();
        library.keep(upload(library, 5_000, 6).file(), up.media(), "id-bob");

        s.rooms().delete(room);
        library.sweep(clock.millis());
        assertThat(library.find(up.media().id())).as("bob may still post it").isNotNull();
        assertThat(library.uploadedBy("id-bob", up.media().id())).isEqualTo(up.media());
        assertThat(List.of(read(library, up.media().id(), 0, 5_000))).singleElement().isEqualTo(up.bytes());
    }
}
