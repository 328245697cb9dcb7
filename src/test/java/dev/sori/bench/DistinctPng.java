package dev.sori.bench;

import dev.sori.testing.TestImages;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Valid PNGs of one size that all differ, so that the server, which keeps each content once,
 * stores every upload: {@link TestImages#pngOfSize(int)}'s private filler chunk with its first
 * eight bytes set to a number and its CRC made right again. Only that chunk's CRC is computed per
 * image, not fresh random bytes, so the generator spends little of the machine on it.
 */
final class DistinctPng {
    private final byte[] template;
    private final int dataAt;
    private final int dataLength;

    DistinctPng(int size) {
        template = TestImages.pngOfSize(size);
        ByteBuffer b = ByteBuffer.wrap(template);
        int at = 8;
        while (true) {
            int length = b.getInt(at);
            String type = new String(template, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (type.equals("prVt")) {
                dataAt = at + 8;
                dataLength = length;
                break;
            }
            at += 12 + length;
        }
        if (dataLength < 8) {
            throw new IllegalArgumentException("too small to vary: " + size + " bytes");
        }
    }

    int size() {
        return template.length;
    }

    /** The image numbered {@code n}: the same bytes as every other but for eight, and its own id. */
    byte[] image(long n) {
        byte[] png = template.clone();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putLong(dataAt, n);
        CRC32 crc = new CRC32();
        crc.update(png, dataAt - 4, dataLength + 4);
        b.putInt(dataAt + dataLength, (int) crc.getValue());
        return png;
    }
}
