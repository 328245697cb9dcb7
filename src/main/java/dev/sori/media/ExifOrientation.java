package dev.sori.media;

/**
 * The one EXIF tag worth keeping: Orientation (IFD0, tag 0x0112), which says how a camera held
 * sideways wants its picture turned. Read from an APP1 "Exif" segment, and written back as the
 * smallest APP1 that carries it, so nothing else of the original (GPS, camera, dates, thumbnail)
 * survives.
 */
final class ExifOrientation {
    static final int UPRIGHT = 1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /**
     * The orientation (1..8) in the TIFF structure that starts at {@code tiff} in {@code segment}
     * (after "Exif\0\0"); {@link #UPRIGHT} when it is absent or unreadable.
     */
    static int read(byte[] segment, int tiff) {
        if (segment.length < tiff + 8) {
            return UPRIGHT;
        }
        boolean little;
        if (segment[tiff] == 'I' && segment[tiff + 1] == 'I') {
            little = true;
        } else if (segment[tiff] == 'M' && segment[tiff + 1] == 'M') {
            little = false;
        } else {
            return UPRIGHT;
        }
        if (u16(segment, tiff + 2, little) != 42) {
            return UPRIGHT;
        }
        long ifd = tiff + u32(segment, tiff + 4, little);
        if (ifd + 2 > segment.length) {
            return UPRIGHT;
        }
        int count = u16(segment, (int) ifd, little);
        for (int i = 0; i < count; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > segment.length) {
                return UPRIGHT;
            }
            int at = (int) entry;
            if (u16(segment, at, little) == TAG_ORIENTATION && u16(segment, at + 2, little) == TYPE_SHORT
                    && u32(segment, at + 4, little) == 1) {
                int value = u16(segment, at + 8, little);
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    /** A whole APP1 segment (marker included): "Exif\0\0", a big-endian TIFF header, IFD0 with Orientation only. */
    static byte[] segment(int orientation) {
        return new byte[] {
            (byte) 0xFF, (byte) 0xE1, 0, 34,              // APP1, length 34 (this field and the 32 bytes below)
            'E', 'x', 'i', 'f', 0, 0,
            'M', 'M', 0, 42, 0, 0, 0, 8,                   // TIFF header: big-endian, IFD0 at offset 8
            0, 1,                                          // one entry
            0x01, 0x12, 0, TYPE_SHORT, 0, 0, 0, 1,         // Orientation, SHORT, count 1
            0, (byte) orientation, 0, 0,                   // its value, left-justified
            0, 0, 0, 0                                     // no next IFD
        };
    }

    /** The same minimal TIFF structure alone, as a PNG {@code eXIf} chunk holds it. */
    static byte[] tiff(int orientation) {
        byte[] segment = segment(orientation);
        return java.util.Arrays.copyOfRange(segment, 10, segment.length);
    }

    private static int u16(byte[] b, int at, boolean little) {
        return little ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 : (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at, boolean little) {
        long low = u16(b, little ? at : at + 2, little);
        long high = u16(b, little ? at + 2 : at, little);
        return high << 16 | low;
    }
}
