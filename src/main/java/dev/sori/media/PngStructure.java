package dev.sori.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A PNG's chunks walked from the signature to IEND without inflating anything, and copied as they
 * are checked: IHDR first, every chunk's length inside the file and its CRC right, at least one
 * IDAT. Left out of the copy: the metadata chunks ({@code eXIf}, which can hold GPS as a JPEG's
 * EXIF does, {@code tEXt}/{@code zTXt}/{@code iTXt}, which hold XMP and comments, {@code tIME}),
 * and whatever follows IEND. A deny-list here, unlike JPEG's allow-list: PNG's other ancillary
 * chunks (colour, transparency, animation, HDR) change how it displays. If {@code eXIf} turned the
 * picture, a minimal one with only Orientation takes its place.
 */
final class PngStructure {
    private static final long MAX_CHUNK = 0x7FFF_FFFFL;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final Set<String> METADATA = Set.of("eXIf", "tEXt", "zTXt", "iTXt", "tIME");

    private PngStructure() {
    }

    static ImageHeader copy(Path file, OutputStream out) throws MediaRefusal, IOException {
        try (FileCursor cursor = new FileCursor(file, "PNG")) {
            cursor.skip(8, null, "signature");
            out.write(SIGNATURE);
            int width = 0;
            int height = 0;
            boolean animated = false;
            boolean sawData = false;
            boolean sawExif = false;
            for (int index = 0; ; index++) {
                long length = cursor.u32be("chunk length");
                if (length > MAX_CHUNK) {
                    throw cursor.damaged("chunk length");
                }
                cursor.require(length + 8, "chunk");
                byte[] type = cursor.bytes(4, "chunk type");
                String name = new String(type, StandardCharsets.ISO_8859_1);
                if (!name.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                    throw cursor.damaged("chunk type");
                }
                if (index == 0 && !name.equals("IHDR")) {
                    throw cursor.damaged("IHDR is not first");
                }
                CRC32 crc = new CRC32();
                crc.update(type);
                if (name.equals("IHDR")) {
                    if (index != 0 || length != 13) {
                        throw cursor.damaged("IHDR");
                    }
                    byte[] ihdr = cursor.bytes(13, "IHDR");
                    crc.update(ihdr);
                    long w = (ihdr[0] & 0xFFL) << 24 | (ihdr[1] & 0xFF) << 16 | (ihdr[2] & 0xFF) << 8 | ihdr[3] & 0xFF;
                    long h = (ihdr[4] & 0xFFL) << 24 | (ihdr[5] & 0xFF) << 16 | (ihdr[6] & 0xFF) << 8 | ihdr[7] & 0xFF;
                    ImageLimits.check(w, h, "image");
                    width = (int) w;
                    height = (int) h;
                    writeChunkHead(out, 13, type);
                    out.write(ihdr);
                } else if (METADATA.contains(name)) {
                    byte[] exif = name.equals("eXIf") && !sawExif && length <= 64 * 1024
                            ? cursor.bytes((int) length, "eXIf") : null;
                    if (exif != null) {
                        crc.update(exif);
                        sawExif = true;
                        int orientation = ExifOrientation.read(exif, 0);
                        if (orientation != ExifOrientation.UPRIGHT) {
                            out.write(chunk("eXIf", ExifOrientation.tiff(orientation)));
                        }
                    } else {
                        cursor.skip(length, crc, name);
                    }
                } else {
                    if (name.equals("acTL") && !sawData) {
                        animated = true;
                    }
                    if (name.equals("IDAT")) {
                        sawData = true;
                    }
                    writeChunkHead(out, length, type);
                    cursor.copy(length, out, crc, name);
                }
                long expected = cursor.u32be("chunk CRC");
                if (expected != crc.getValue()) {
                    throw cursor.damaged("CRC of " + (name.equals("IHDR") || name.equals("IDAT") || name.equals("IEND")
                            ? name : "a chunk"));
                }
                if (!METADATA.contains(name)) {
                    out.write(ByteBuffer.allocate(4).putInt((int) expected).array());
                }
                if (name.equals("IEND")) {
                    if (!sawData) {
                        throw cursor.damaged("no image data");
                    }
                    return new ImageHeader(width, height, animated);
                }
            }
        }
    }

    private static void writeChunkHead(OutputStream out, long length, byte[] type) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt((int) length).array());
        out.write(type);
    }

    static byte[] chunk(String name, byte[] data) {
        byte[] type = name.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(type).put(data)
                .putInt((int) crc.getValue()).array();
    }
}
