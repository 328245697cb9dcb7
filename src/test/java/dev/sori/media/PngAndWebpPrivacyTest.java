package dev.sori.media;

import dev.sori.testing.TestImages;
import static dev.sori.testing.TestImages.indexOf;
import static dev.sori.testing.TestImages.ascii;
import static dev.sori.testing.TestImages.chunk;
import static dev.sori.testing.TestImages.concat;
import static dev.sori.testing.TestImages.pngChunk;
import static dev.sori.testing.TestImages.riff;
import static dev.sori.testing.TestImages.vp8;
import static dev.sori.testing.TestImages.vp8x;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG and WebP carry EXIF too (eXIf, EXIF chunks) and XMP: they do not survive intake either. */
class PngAndWebpPrivacyTest {
    @TempDir
    Path temp;

    private Intake accept(byte[] file) throws Exception {
        return new MediaIntake(temp, 1 << 20).accept(new ByteArrayInputStream(file), null);
    }

    /** The TIFF structure of the JPEG test's EXIF (Make, Orientation, a GPS IFD with the latitude), without "Exif\0\0". */
    private static byte[] tiff(int orientation) {
        byte[] exif = TestImages.exif(orientation);
        return Arrays.copyOfRange(exif, 6, exif.length);
    }

    @Test
    void aPngLosesItsExifTextAndXmpKeepsItsOrientationAndPixels() throws Exception {
        byte[] plain = TestImages.png(30, 20);
        int afterIhdr = 8 + 25;
        byte[] photo = concat(Arrays.copyOf(plain, afterIhdr),
                pngChunk("eXIf", tiff(6)),
                pngChunk("tEXt", ascii("Comment\0taken at home")),
                pngChunk("iTXt", ascii("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPSLatitude</x:xmpmeta>")),
                pngChunk("tIME", new byte[] {0x07, (byte) 0xEA, 12, 6, 22, 0, 0}),
                Arrays.copyOfRange(plain, afterIhdr, plain.length),
                ascii("<script>alert(1)</script>"));
        assertThat(indexOf(photo, ascii("GPS"))).isPositive();

        Intake intake = accept(photo);
        byte[] stored = Files.readAllBytes(intake.file());
        assertThat(indexOf(stored, ascii("GPS"))).isNegative();
        assertThat(indexOf(stored, ascii("Canon"))).isNegative();
        assertThat(indexOf(stored, ascii("tEXt"))).isNegative();
        assertThat(indexOf(stored, ascii("iTXt"))).isNegative();
        assertThat(indexOf(stored, ascii("tIME"))).isNegative();
        assertThat(indexOf(stored, ascii("<script>"))).as("what follows IEND").isNegative();
        byte[] minimal = pngChunk("eXIf", ExifOrientation.tiff(6));
        assertThat(stored).isEqualTo(concat(Arrays.copyOf(plain, afterIhdr), minimal,
                Arrays.copyOfRange(plain, afterIhdr, plain.length)));
        assertThat(ExifOrientation.read(ExifOrientation.tiff(6), 0)).isEqualTo(6);
        assertThat(ImageIO.read(intake.file().toFile()).getWidth()).isEqualTo(30);
        assertThat(intake.id()).isEqualTo(MediaIntakeTest.sha256(stored));
    }

    @Test
    void aPngWithoutMetadataIsStoredAsItCame() throws Exception {
        byte[] png = TestImages.png(9, 9);
        assertThat(Files.readAllBytes(accept(png).file())).isEqualTo(png);
    }

    @Test
    void aWebpLosesItsExifAndXmpChunksAndFlags() throws Exception {
        byte[] photo = riff(vp8x(0x08 | 0x04 | 0x10, 64, 48), vp8(64, 48),
                chunk("EXIF", tiff(1)), chunk("XMP ", ascii("<x:xmpmeta>GPSLatitude 48,51N</x:xmpmeta>")));
        Intake intake = accept(photo);
        byte[] stored = Files.readAllBytes(intake.file());
        assertThat(stored).isEqualTo(riff(vp8x(0x10, 64, 48), vp8(64, 48)));
        assertThat(indexOf(stored, ascii("GPS"))).isNegative();
        assertThat(intake.bytes()).isEqualTo(stored.length);
        assertThat(intake.width()).isEqualTo(64);
        assertThat(accept(stored).id()).as("the stored file is a valid WebP").isEqualTo(intake.id());
    }

    @Test
    void anAnimatedWebpWithoutMetadataIsStoredAsItCame() throws Exception {
        byte[] webp = TestImages.animatedWebp(20, 20);
        assertThat(Files.readAllBytes(accept(webp).file())).isEqualTo(webp);
    }
}
