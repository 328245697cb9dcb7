package dev.sori.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Copies a JPEG segment by segment, leaving out what could tell others where, when or with what
 * it was taken, and never re-encoding: the entropy-coded scans are copied byte for byte.
 *
 * <p>Kept: APP0 (JFIF), APP2 "ICC_PROFILE" (colours) and APP14 "Adobe" (how to read the colour
 * channels), and every segment that is not metadata (tables, frame, scans). Removed: every other
 * APPn (APP1 EXIF with its GPS IFD and thumbnail, APP1 XMP and extended XMP, APP13
 * Photoshop/IPTC, APP2 MPF, maker notes in APP3..APP15) and COM. An allow-list, so metadata in a
 * segment nobody thought of is removed too. If EXIF said the picture is turned (Orientation is
 * not 1), a minimal APP1 with only that tag takes the original's place, so it still displays
 * upright. Whatever follows EOI (a phone's "motion photo" video, MPF images, a polyglot tail)
 * is dropped.
 *
 * <p>The walk is also the structural check: SOI, a frame header (SOFn) with a height and a width
 * before the first scan (SOS), and an EOI after the last one; a file that ends first is refused.
 */
final class JpegScrubber {
    private static final byte[] EXIF = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] ICC = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] ADOBE = "Adobe".getBytes(StandardCharsets.ISO_8859_1);
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int APP0 = 0xE0;
    private static final int APP1 = 0xE1;
    private static final int APP2 = 0xE2;
    private static final int APP14 = 0xEE;
    private static final int APP15 = 0xEF;
    private static final int COM = 0xFE;

    private JpegScrubber() {
    }

    /** Writes the cleaned JPEG to {@code out}; answers the frame header's size. */
    static ImageHeader scrub(Path source, OutputStream out) throws MediaRefusal, IOException {
        try (FileCursor in = new FileCursor(source, "JPEG")) {
            if (in.u8("SOI") != 0xFF || in.u8("SOI") != SOI) {
                throw in.damaged("SOI");
            }
            out.write(0xFF);
            out.write(SOI);
            int width = 0;
            int height = 0;
            boolean sawExif = false;
            int marker = nextMarker(in);
            while (true) {
                if (marker == EOI) {
                    throw in.damaged("it ends before any image data");
                }
                if (marker == SOI) {
                    throw in.damaged("a second SOI");
                }
                if (isStandalone(marker)) {
                    out.write(0xFF);
                    out.write(marker);
                    marker = nextMarker(in);
                    continue;
                }
                int length = in.u16be("segment length");
                if (length < 2) {
                    throw in.damaged("segment length");
                }
                if (marker >= APP0 && marker <= APP15 || marker == COM) {
                    byte[] payload = in.bytes(length - 2, "segment");
                    if (keeps(marker, payload)) {
                        writeSegment(out, marker, payload);
                    } else if (marker == APP1 && startsWith(payload, EXIF) && !sawExif) {
                        sawExif = true;
                        int orientation = ExifOrientation.read(payload, EXIF.length);
                        if (orientation != ExifOrientation.UPRIGHT) {
                            out.write(ExifOrientation.segment(orientation));
                        }
                    }
                    marker = nextMarker(in);
                    continue;
                }
                if (isFrameHeader(marker)) {
                    byte[] payload = in.bytes(length - 2, "frame header");
                    if (payload.length < 6) {
                        throw in.damaged("frame header");
                    }
                    height = (payload[1] & 0xFF) << 8 | payload[2] & 0xFF;
                    width = (payload[3] & 0xFF) << 8 | payload[4] & 0xFF;
                    if (width == 0 || height == 0) {
                        // A height of 0 defers it to a DNL marker, which browsers' decoders do not read.
                        throw in.damaged("no width or height in the frame header");
                    }
                    writeSegment(out, marker, payload);
                    marker = nextMarker(in);
                    continue;
                }
                out.write(0xFF);
                out.write(marker);
                out.write(length >> 8);
                out.write(length & 0xFF);
                in.copy(length - 2, out, "segment");
                if (marker != SOS) {
                    marker = nextMarker(in);
                    continue;
                }
                if (width == 0) {
                    throw in.damaged("a scan before the frame header");
                }
                marker = copyScan(in, out);
                if (marker == EOI) {
                    out.write(0xFF);
                    out.write(EOI);
                    return new ImageHeader(width, height, false);
                }
            }
        }
    }

    /**
     * Copies entropy-coded data (stuffed FF 00 and restart markers included) up to the next marker,
     * which it answers without writing. Fill bytes (extra FFs before a marker) are dropped.
     */
    private static int copyScan(FileCursor in, OutputStream out) throws MediaRefusal, IOException {
        byte[] run = new byte[8192];
        int length = 0;
        while (true) {
            if (length > run.length - 2) {
                out.write(run, 0, length);
                length = 0;
            }
            int b = in.u8("scan data, no EOI");
            if (b != 0xFF) {
                run[length++] = (byte) b;
                continue;
            }
            int next = in.u8("scan data, no EOI");
            while (next == 0xFF) {
                next = in.u8("scan data, no EOI");
            }
            if (next == 0x00 || next >= 0xD0 && next <= 0xD7) {
                run[length++] = (byte) 0xFF;
                run[length++] = (byte) next;
                continue;
            }
            out.write(run, 0, length);
            return next;
        }
    }

    /** Reads a marker: FF (any fill FFs) then its code. */
    private static int nextMarker(FileCursor in) throws MediaRefusal, IOException {
        if (in.u8("marker, no EOI") != 0xFF) {
            throw in.damaged("bytes where a marker should be");
        }
        int marker = in.u8("marker, no EOI");
        while (marker == 0xFF) {
            marker = in.u8("marker, no EOI");
        }
        if (marker == 0x00) {
            throw in.damaged("bytes where a marker should be");
        }
        return marker;
    }

    private static boolean keeps(int marker, byte[] payload) {
        return marker == APP0
                || marker == APP2 && startsWith(payload, ICC)
                || marker == APP14 && startsWith(payload, ADOBE);
    }

    private static boolean isStandalone(int marker) {
        return marker == 0x01 || marker >= 0xD0 && marker <= 0xD7;
    }

    /** SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static void writeSegment(OutputStream out, int marker, byte[] payload) throws IOException {
        out.write(0xFF);
        out.write(marker);
        out.write(payload.length + 2 >> 8);
        out.write(payload.length + 2 & 0xFF);
        out.write(payload);
    }

    private static boolean startsWith(byte[] payload, byte[] prefix) {
        return payload.length >= prefix.length && Arrays.equals(payload, 0, prefix.length, prefix, 0, prefix.length);
    }
}
