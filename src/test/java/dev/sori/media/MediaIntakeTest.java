package dev.sori.media;

import dev.sori.testing.TestImages;
import static dev.sori.testing.TestImages.anim;
import static dev.sori.testing.TestImages.anmf;
import static dev.sori.testing.TestImages.ascii;
import static dev.sori.testing.TestImages.concat;
import static dev.sori.testing.TestImages.riff;
import static dev.sori.testing.TestImages.vp8;
import static dev.sori.testing.TestImages.vp8l;
import static dev.sori.testing.TestImages.vp8x;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaIntakeTest {
    private static final long MAX = 64 * 1024;

    @TempDir
    Path temp;

    private MediaIntake intake() {
        return new MediaIntake(temp, MAX);
    }

    private Intake accept(byte[] file) throws Exception {
        return intake().accept(new ByteArrayInputStream(file), "application/octet-stream");
    }

    private MediaRefusal refusal(byte[] file) throws IOException {
        MediaRefusal refusal = assertThrows(MediaRefusal.class, () -> accept(file));
        assertNoTempFiles();
        return refusal;
    }

    private void assertNoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files).as("temporary files left").isEmpty();
        }
    }

    private static void assertInvalid(MediaRefusal refusal, String messagePart) {
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.code()).isEqualTo("invalid_argument");
        assertThat(refusal.getMessage()).contains(messagePart);
    }

    private static void assertUnsupported(MediaRefusal refusal) {
        assertThat(refusal.status()).isEqualTo(415);
        assertThat(refusal.code()).isEqualTo("unsupported");
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    // ---- the four formats ----

    @Test
    void aPngIsAcceptedWithItsSizeAndItsContentId() throws Exception {
        byte[] png = TestImages.png(40, 30);
        Intake intake = accept(png);
        assertThat(intake.type()).isEqualTo(ImageType.PNG);
        assertThat(intake.type().mime()).isEqualTo("image/png");
        assertThat(intake.width()).isEqualTo(40);
        assertThat(intake.height()).isEqualTo(30);
        assertThat(intake.animated()).isFalse();
        assertThat(intake.bytes()).isEqualTo(png.length);
        assertThat(Files.readAllBytes(intake.file())).isEqualTo(png);
        assertThat(intake.id()).hasSize(64).isEqualTo(sha256(png));
        assertThat(intake.file().getParent()).isEqualTo(temp);
    }

    @Test
    void theSameFileTwiceHasTheSameIdInTwoFiles() throws Exception {
        byte[] jpeg = TestImages.jpeg(32, 16);
        Intake first = accept(jpeg);
        Intake second = accept(jpeg);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.file()).isNotEqualTo(first.file());
        assertThat(first.id()).isEqualTo(sha256(Files.readAllBytes(first.file())));
    }

    @Test
    void anApngIsAnimated() throws Exception {
        Intake intake = accept(TestImages.handMadePng(20, 10, "acTL"));
        assertThat(intake.type()).isEqualTo(ImageType.PNG);
        assertThat(intake.animated()).isTrue();
    }

    @Test
    void aJpegIsAcceptedAndStillReadsTheSame() throws Exception {
        Intake intake = accept(TestImages.jpeg(50, 20));
        assertThat(intake.type().mime()).isEqualTo("image/jpeg");
        assertThat(intake.width()).isEqualTo(50);
        assertThat(intake.height()).isEqualTo(20);
        var image = ImageIO.read(intake.file().toFile());
        assertThat(image.getWidth()).isEqualTo(50);
        assertThat(intake.id()).isEqualTo(sha256(Files.readAllBytes(intake.file())));
        assertThat(intake.bytes()).isEqualTo(Files.size(intake.file()));
    }

    @Test
    void aGifAndATwoFrameGifAnimated() throws Exception {
        Intake still = accept(TestImages.gif(12, 7));
        assertThat(still.type().mime()).isEqualTo("image/gif");
        assertThat(still.width()).isEqualTo(12);
        assertThat(still.height()).isEqualTo(7);
        assertThat(still.animated()).isFalse();

        Intake animated = accept(TestImages.animatedGif(12, 7));
        assertThat(animated.type()).isEqualTo(ImageType.GIF);
        assertThat(animated.animated()).isTrue();
        assertThat(animated.width()).isEqualTo(12);
    }

    @Test
    void webpLossyLosslessAndAnimated() throws Exception {
        Intake lossy = accept(riff(vp8(300, 200)));
        assertThat(lossy.type().mime()).isEqualTo("image/webp");
        assertThat(lossy.width()).isEqualTo(300);
        assertThat(lossy.height()).isEqualTo(200);
        assertThat(lossy.animated()).isFalse();

        Intake lossless = accept(riff(vp8l(16383, 2)));
        assertThat(lossless.width()).isEqualTo(16383);
        assertThat(lossless.height()).isEqualTo(2);

        Intake extendedStill = accept(riff(vp8x(0x10, 64, 48), vp8(64, 48)));
        assertThat(extendedStill.width()).isEqualTo(64);
        assertThat(extendedStill.animated()).isFalse();

        Intake animated = accept(TestImages.animatedWebp(120, 90));
        assertThat(animated.type()).isEqualTo(ImageType.WEBP);
        assertThat(animated.width()).isEqualTo(120);
        assertThat(animated.height()).isEqualTo(90);
        assertThat(animated.animated()).isTrue();
    }

    // ---- content decides ----

    @Test
    void whatIsNotAnImageIsUnsupportedWhateverItClaims() throws IOException {
        assertUnsupported(refusal(ascii("<!DOCTYPE html><html><script>alert(1)</script></html>")));
        assertUnsupported(refusal(ascii("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>")));
        assertUnsupported(refusal(ascii("just some text, saved as cat.gif\n")));
        assertUnsupported(refusal(ascii("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj")));
        assertUnsupported(refusal(concat(ascii("BM"), new byte[60])));
        assertUnsupported(refusal(concat(new byte[] {'I', 'I', 42, 0}, new byte[60])));
        assertUnsupported(refusal(ascii("GIF8")));
        assertUnsupported(refusal(concat(ascii("RIFF"), new byte[4], ascii("WAVEfmt "), new byte[40])));
        MediaRefusal declaredGif = assertThrows(MediaRefusal.class,
                () -> intake().accept(new ByteArrayInputStream(ascii("<html></html>")), "image/gif"));
        assertUnsupported(declaredGif);
        assertThat(declaredGif.getMessage()).doesNotContain("html");
    }

    @Test
    void aGifHeaderInFrontOfAPageIsRefused() throws IOException {
        assertInvalid(refusal(ascii("GIF89a<html><body><script>alert(document.cookie)</script></body></html>")),
                "GIF");
    }

    /** Decided: a whole image with a tail is that image, stored without the tail (served as an image with nosniff). */
    @Test
    void aWholeImageWithAScriptTailIsStoredAsTheImageAlone() throws Exception {
        byte[] gif = TestImages.gif(5, 5);
        Intake intake = accept(concat(gif, ascii("<script>alert(1)</script>")));
        assertThat(intake.type()).isEqualTo(ImageType.GIF);
        assertThat(Files.readAllBytes(intake.file())).isEqualTo(gif);
        assertThat(intake.id()).isEqualTo(sha256(gif));
        byte[] png = TestImages.png(5, 5);
        assertThat(Files.readAllBytes(accept(concat(png, ascii("<html>"))).file())).isEqualTo(png);
    }

    @Test
    void aGifLosesItsCommentsAndXmpKeepsItsFrames() throws Exception {
        byte[] gif = TestImages.animatedGif(6, 6);
        byte[] body = Arrays.copyOf(gif, gif.length - 1);
        byte[] comment = concat(new byte[] {0x21, (byte) 0xFE, 13}, ascii("taken at home"), new byte[] {0});
        byte[] xmp = concat(new byte[] {0x21, (byte) 0xFF, 11}, ascii("XMP DataXMP"), new byte[] {20},
                ascii("<x:xmpmeta>GPS</x:x>"), new byte[] {0});
        Intake intake = accept(concat(body, comment, xmp, new byte[] {0x3B}));
        assertThat(Files.readAllBytes(intake.file())).isEqualTo(gif);
        assertThat(intake.animated()).isTrue();
    }

    @Test
    void anEmptyBodyIsInvalid() throws IOException {
        assertInvalid(refusal(new byte[0]), "empty");
    }

    // ---- truncated and damaged ----

    @Test
    void truncatedImagesOfEveryFormatAreInvalid() throws IOException {
        byte[] png = TestImages.png(40, 30);
        assertInvalid(refusal(Arrays.copyOf(png, png.length - 13)), "PNG");
        assertInvalid(refusal(Arrays.copyOf(png, 30)), "PNG");
        byte[] jpeg = TestImages.jpeg(40, 30);
        assertInvalid(refusal(Arrays.copyOf(jpeg, jpeg.length - 40)), "JPEG");
        assertInvalid(refusal(Arrays.copyOf(jpeg, 100)), "JPEG");
        byte[] gif = TestImages.animatedGif(40, 30);
        assertInvalid(refusal(Arrays.copyOf(gif, gif.length - 1)), "GIF");
        assertInvalid(refusal(Arrays.copyOf(gif, gif.length / 2)), "GIF");
        assertInvalid(refusal(ascii("GIF89a")), "GIF");
        byte[] webp = TestImages.animatedWebp(40, 30);
        assertInvalid(refusal(Arrays.copyOf(webp, webp.length - 2)), "WebP");
        assertInvalid(refusal(Arrays.copyOf(riff(vp8(40, 30)), 26)), "WebP");
    }

    @Test
    void damagedStructuresAreInvalid() throws IOException {
        byte[] png = TestImages.png(8, 8);
        png[png.length - 20] ^= 0x55; // inside IDAT: its CRC no longer matches
        assertInvalid(refusal(png), "PNG");
        byte[] lying = riff(vp8(40, 30));
        lying[4] += 2; // RIFF size beyond the file
        assertInvalid(refusal(lying), "WebP");
        byte[] notKey = riff(vp8(40, 30));
        notKey[20] |= 1; // an inter frame cannot start a file
        assertInvalid(refusal(notKey), "WebP");
        assertInvalid(refusal(riff(vp8x(0x02, 40, 30), anim())), "WebP");
        assertInvalid(refusal(riff(vp8x(0x02, 40, 30), anim(), anmf(20, 0, 40, 30, vp8l(40, 30)))), "canvas");
    }

    // ---- size limits of the picture ----

    @Test
    void overSixteenThousandPixelsOnASideIsRefused() throws IOException {
        assertInvalid(refusal(TestImages.handMadePng(20_000, 10)), "16384 pixels on a side");
        assertInvalid(refusal(riff(vp8x(0x02, 20_000, 4), anim(), anmf(0, 0, 4, 4, vp8l(4, 4)))),
                "16384 pixels on a side");
    }

    @Test
    void aSmallFileThatWouldInflateToAHugePictureIsABomb() throws IOException {
        byte[] bomb = TestImages.handMadePng(16_000, 16_000);
        assertThat(bomb.length).isLessThan(2_000);
        assertInvalid(refusal(bomb), "megapixels");
        assertInvalid(refusal(riff(vp8l(10_000, 10_000))), "megapixels");
    }

    // ---- the upload limit ----

    @Test
    void overTheLimitStopsReadingThere() throws IOException {
        CountingStream endless = new CountingStream(TestImages.png(8, 8), Long.MAX_VALUE);
        MediaRefusal refusal = assertThrows(MediaRefusal.class, () -> intake().accept(endless, null));
        assertThat(refusal.status()).isEqualTo(413);
        assertThat(refusal.code()).isEqualTo("too_large");
        assertThat(refusal.getMessage()).contains(String.valueOf(MAX));
        assertThat(endless.read).isBetween(MAX + 1, MAX + 16 * 1024);
        assertNoTempFiles();
    }

    @Test
    void exactlyTheLimitIsAccepted() throws Exception {
        byte[] png = TestImages.png(4, 4);
        int iend = png.length - 12;
        byte[] padding = TestImages.pngChunk("soRi", new byte[(int) MAX - png.length - 12]);
        byte[] atLimit = concat(Arrays.copyOf(png, iend), padding, Arrays.copyOfRange(png, iend, png.length));
        assertThat(atLimit).hasSize((int) MAX);
        Intake intake = accept(atLimit);
        assertThat(intake.bytes()).isEqualTo(MAX);
        Files.delete(intake.file());
        assertThat(refusal(concat(atLimit, new byte[1])).code()).isEqualTo("too_large");
    }

    /** An image of {@code head} followed by zeros, {@code length} bytes in all, counting what was read. */
    static final class CountingStream extends InputStream {
        private final byte[] head;
        private final long length;
        long read;

        CountingStream(byte[] head, long length) {
            this.head = head;
            this.length = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - read);
            for (int i = 0; i < n; i++) {
                long at = read + i;
                b[off + i] = at < head.length ? head[(int) at] : 0;
            }
            read += n;
            return n;
        }
    }
}
