package dev.sori.media;

import dev.sori.testing.TestImages;
import static dev.sori.testing.TestImages.ascii;
import static dev.sori.testing.TestImages.PHOTO_LATITUDE;
import static dev.sori.testing.TestImages.concat;
import static dev.sori.testing.TestImages.exif;
import static dev.sori.testing.TestImages.indexOf;
import static dev.sori.testing.TestImages.segment;
import static dev.sori.testing.TestImages.withMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A phone photo's metadata (EXIF with GPS, XMP, IPTC, a comment) does not survive intake; the picture does. */
class JpegPrivacyTest {

    @TempDir
    Path temp;

    @Test
    void gpsAndEveryOtherMetadataAreGoneOrientationStaysScanIsUntouched() throws Exception {
        byte[] plain = TestImages.jpeg(64, 48);
        byte[] photo = withMetadata(plain, exif(6));
        assertThat(indexOf(photo, PHOTO_LATITUDE)).isPositive();
        assertThat(indexOf(photo, ascii("GPS"))).isPositive();

        Intake intake = new MediaIntake(temp, 1 << 20).accept(new ByteArrayInputStream(photo), "image/jpeg");
        byte[] stored = Files.readAllBytes(intake.file());

        assertThat(indexOf(stored, PHOTO_LATITUDE)).as("GPS latitude").isNegative();
        assertThat(indexOf(stored, ascii("GPS"))).isNegative();
        assertThat(indexOf(stored, ascii("Canon"))).isNegative();
        assertThat(indexOf(stored, ascii("http://ns.adobe.com/xap/1.0/"))).isNegative();
        assertThat(indexOf(stored, ascii("Photoshop 3.0"))).isNegative();
        assertThat(indexOf(stored, ascii("taken at home"))).isNegative();
        assertThat(indexOf(stored, ascii("ICC_PROFILE"))).as("colour profile kept").isPositive();
        assertThat(indexOf(stored, ascii("JFIF"))).isPositive();

        List<byte[]> app1 = segments(stored, 0xE1);
        assertThat(app1).hasSize(1);
        assertThat(app1.get(0)).hasSize(32);
        assertThat(ExifOrientation.read(app1.get(0), 6)).isEqualTo(6);

        assertThat(scan(stored)).as("entropy-coded data, byte for byte").isEqualTo(scan(plain));
        BufferedImage image = ImageIO.read(intake.file().toFile());
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(48);
        assertThat(intake.width()).isEqualTo(64);
        assertThat(intake.height()).isEqualTo(48);
        assertThat(intake.bytes()).isEqualTo(stored.length).isLessThan(photo.length);
        assertThat(intake.id()).isEqualTo(MediaIntakeTest.sha256(stored));
    }

    @Test
    void aProgressiveJpegKeepsEveryScanAndTableBetweenThem() throws Exception {
        byte[] plain = TestImages.progressiveJpeg(40, 24);
        assertThat(count(plain, new byte[] {(byte) 0xFF, (byte) 0xDA})).isGreaterThan(1);
        byte[] photo = withMetadata(plain, exif(3));
        Intake intake = new MediaIntake(temp, 1 << 20).accept(new ByteArrayInputStream(photo), null);
        byte[] stored = Files.readAllBytes(intake.file());
        assertThat(scan(stored)).isEqualTo(scan(plain));
        assertThat(ImageIO.read(intake.file().toFile()).getWidth()).isEqualTo(40);
        assertThat(intake.height()).isEqualTo(24);
    }

    @Test
    void anUprightPhotoKeepsNoExifAtAll() throws Exception {
        byte[] photo = withMetadata(TestImages.jpeg(20, 10), exif(1));
        Intake intake = new MediaIntake(temp, 1 << 20).accept(new ByteArrayInputStream(photo), null);
        byte[] stored = Files.readAllBytes(intake.file());
        assertThat(segments(stored, 0xE1)).isEmpty();
        assertThat(indexOf(stored, ascii("Exif"))).isNegative();
    }

    @Test
    void whatFollowsTheEndOfTheImageIsDropped() throws Exception {
        byte[] plain = TestImages.jpeg(20, 10);
        byte[] motionPhoto = concat(plain, ascii("....ftypmp42 a video with its own location"));
        Intake intake = new MediaIntake(temp, 1 << 20).accept(new ByteArrayInputStream(motionPhoto), null);
        assertThat(Files.readAllBytes(intake.file())).isEqualTo(plain);
    }

    @Test
    void theMinimalExifIsAValidTiffThatImageIoAccepts() throws Exception {
        byte[] segment = ExifOrientation.segment(8);
        assertThat(ExifOrientation.read(Arrays.copyOfRange(segment, 4, segment.length), 6)).isEqualTo(8);
        byte[] jpeg = withMetadata(TestImages.jpeg(10, 10), exif(8));
        Intake intake = new MediaIntake(temp, 1 << 20).accept(new ByteArrayInputStream(jpeg), null);
        assertThat(ImageIO.read(intake.file().toFile()).getWidth()).isEqualTo(10);
    }

    // ---- building a phone-like JPEG ----





    // ---- reading a JPEG back ----

    /** The payloads of every segment with this marker, walking lengths up to SOS. */
    static List<byte[]> segments(byte[] jpeg, int marker) {
        List<byte[]> found = new ArrayList<>();
        int at = 2;
        while ((jpeg[at + 1] & 0xFF) != 0xDA) {
            int length = (jpeg[at + 2] & 0xFF) << 8 | jpeg[at + 3] & 0xFF;
            if ((jpeg[at + 1] & 0xFF) == marker) {
                found.add(Arrays.copyOfRange(jpeg, at + 4, at + 2 + length));
            }
            at += 2 + length;
        }
        return found;
    }

    /** From the SOS marker to the end (EOI included). */
    static byte[] scan(byte[] jpeg) {
        int at = 2;
        while ((jpeg[at + 1] & 0xFF) != 0xDA) {
            at += 2 + ((jpeg[at + 2] & 0xFF) << 8 | jpeg[at + 3] & 0xFF);
        }
        return Arrays.copyOfRange(jpeg, at, jpeg.length);
    }

    static int count(byte[] haystack, byte[] needle) {
        int found = 0;
        for (int at = 0; at < haystack.length; ) {
            int next = indexOf(Arrays.copyOfRange(haystack, at, haystack.length), needle);
            if (next < 0) {
                break;
            }
            found++;
            at += next + needle.length;
        }
        return found;
    }
}
