package dev.sori.media;

import dev.sori.testing.TestImages;
import static dev.sori.testing.TestImages.ascii;
import static dev.sori.testing.TestImages.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code multipart/form-data} uploads, as a browser's FormData sends them. */
class MultipartIntakeTest {
    private static final String BOUNDARY = "----SoriFormBoundary7MA4YWxkTrZu0gW";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private static final long MAX = 64 * 1024;

    @TempDir
    Path temp;

    private Intake accept(byte[] body, String contentType) throws Exception {
        return new MediaIntake(temp, MAX).accept(new ByteArrayInputStream(body), contentType);
    }

    private MediaRefusal refusal(byte[] body, String contentType) throws IOException {
        MediaRefusal refusal = assertThrows(MediaRefusal.class, () -> accept(body, contentType));
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files).isEmpty();
        }
        return refusal;
    }

    static byte[] field(String name, String value) {
        return ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    }

    static byte[] filePart(String name, String fileName, String declaredType, byte[] content) {
        return concat(ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: " + declaredType + "\r\n\r\n"), content, ascii("\r\n"));
    }

    static byte[] end() {
        return ascii("--" + BOUNDARY + "--\r\n");
    }

    @Test
    void theFilePartIsTheImage() throws Exception {
        byte[] png = TestImages.png(21, 13);
        Intake intake = accept(concat(filePart("file", "cat.png", "image/png", png), end()), CONTENT_TYPE);
        assertThat(intake.type()).isEqualTo(ImageType.PNG);
        assertThat(intake.width()).isEqualTo(21);
        assertThat(Files.readAllBytes(intake.file())).isEqualTo(png);
        assertThat(intake.id()).isEqualTo(MediaIntakeTest.sha256(png));
    }

    @Test
    void otherFieldsAroundItAreIgnoredAndItsDeclaredTypeToo() throws Exception {
        byte[] gif = TestImages.animatedGif(9, 9);
        byte[] body = concat(field("caption", "look at this"), filePart("other", "x.txt", "text/plain", ascii("hello")),
                filePart("file", "cat.jpg", "image/jpeg", gif), field("after", "ignored"), end());
        Intake intake = accept(body, "Multipart/Form-Data; charset=utf-8; boundary=\"" + BOUNDARY + "\"");
        assertThat(intake.type()).isEqualTo(ImageType.GIF);
        assertThat(intake.animated()).isTrue();
        assertThat(Files.readAllBytes(intake.file())).isEqualTo(gif);
    }

    @Test
    void withoutAFilePartItIsInvalid() throws IOException {
        MediaRefusal refusal = refusal(concat(field("caption", "no file"), filePart("image", "a.png", "image/png",
                TestImages.png(4, 4)), end()), CONTENT_TYPE);
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.code()).isEqualTo("invalid_argument");
        assertThat(refusal.getMessage()).contains("no part named \"file\"");
    }

    @Test
    void aMalformedBodyIsInvalid() throws IOException {
        assertThat(refusal(concat(filePart("file", "a.png", "image/png", TestImages.png(4, 4)), end()),
                "multipart/form-data").code()).isEqualTo("invalid_argument");
        assertThat(refusal(ascii("no boundary anywhere"), CONTENT_TYPE).code()).isEqualTo("invalid_argument");
        byte[] cut = concat(field("a", "b"), ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"fi"));
        assertThat(refusal(cut, CONTENT_TYPE).code()).isEqualTo("invalid_argument");
    }

    @Test
    void aFilePartThatIsNotAnImageIsUnsupported() throws IOException {
        byte[] body = concat(filePart("file", "cat.gif", "image/gif", ascii("<svg onload=alert(1)>")), end());
        assertThat(refusal(body, CONTENT_TYPE).status()).isEqualTo(415);
    }

    @Test
    void aFilePartTruncatedByTheBodyIsInvalid() throws IOException {
        byte[] png = TestImages.png(30, 30);
        byte[] cut = concat(ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\""
                + "\r\n\r\n"), png);
        assertThat(refusal(cut, CONTENT_TYPE).status()).isEqualTo(400);
    }

    @Test
    void anOverLimitFilePartStopsReadingThere() throws IOException {
        MediaIntakeTest.CountingStream endless = new MediaIntakeTest.CountingStream(TestImages.png(4, 4), Long.MAX_VALUE);
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(concat(field("caption", "big"),
                ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"))),
                endless);
        MediaRefusal refusal = assertThrows(MediaRefusal.class, () -> new MediaIntake(temp, MAX).accept(body, CONTENT_TYPE));
        assertThat(refusal.status()).isEqualTo(413);
        assertThat(endless.read).isLessThanOrEqualTo(MAX + 16 * 1024);
    }

    @Test
    void endlessFieldsBeforeTheFileStopAtTheAllowance() throws IOException {
        MediaIntakeTest.CountingStream endless = new MediaIntakeTest.CountingStream(new byte[0], Long.MAX_VALUE);
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(
                ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"padding\"\r\n\r\n")), endless);
        MediaRefusal refusal = assertThrows(MediaRefusal.class, () -> new MediaIntake(temp, MAX).accept(body, CONTENT_TYPE));
        assertThat(refusal.code()).isEqualTo("too_large");
        assertThat(endless.read).isLessThanOrEqualTo(MAX + MediaIntake.MULTIPART_ALLOWANCE + 16 * 1024);
    }
}
