package dev.sori.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Real images made with ImageIO, and the ones it cannot make (WebP, odd PNGs) built byte by byte. */
public final class TestImages {
    private TestImages() {
    }

    public static BufferedImage picture(int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.drawLine(0, 0, width - 1, height - 1);
        g.dispose();
        return image;
    }

    public static byte[] write(String format, BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] png(int width, int height) {
        return write("png", picture(width, height, Color.BLUE));
    }

    public static byte[] jpeg(int width, int height) {
        return write("jpeg", picture(width, height, Color.RED));
    }

    /** A progressive JPEG: several scans, each with its own tables in between. */
    public static byte[] progressiveJpeg(int width, int height) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(picture(width, height, Color.ORANGE), null, null), param);
            }
            writer.dispose();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gif(int width, int height) {
        return write("gif", picture(width, height, Color.GREEN));
    }

    /** Two frames through the JDK's GIF writer's sequence API. */
    public static byte[] animatedGif(int width, int height) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.prepareWriteSequence(null);
                writer.writeToSequence(new IIOImage(picture(width, height, Color.GREEN), null, null), null);
                writer.writeToSequence(new IIOImage(picture(width, height, Color.MAGENTA), null, null), null);
                writer.endWriteSequence();
            }
            writer.dispose();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PNG built chunk by chunk: IHDR with any size, a tiny IDAT (one zlib'd row of zeros, or fewer), IEND. */
    public static byte[] handMadePng(int width, int height, String... extraChunksBeforeIdat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        out.writeBytes(pngChunk("IHDR", ihdr.array()));
        for (String name : extraChunksBeforeIdat) {
            out.writeBytes(pngChunk(name, new byte[8]));
        }
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[Math.min(width + 1, 64 * 1024)]);
        deflater.finish();
        byte[] compressed = new byte[1024];
        int n = deflater.deflate(compressed);
        out.writeBytes(pngChunk("IDAT", java.util.Arrays.copyOf(compressed, n)));
        out.writeBytes(pngChunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    public static byte[] pngChunk(String name, byte[] data) {
        byte[] type = name.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(type).put(data)
                .putInt((int) crc.getValue()).array();
    }

    // ---- WebP: the headers as the format's specification (RFC 9649) lays them out ----

    public static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ascii("WEBP"));
        for (byte[] chunk : chunks) {
            body.writeBytes(chunk);
        }
        ByteBuffer riff = ByteBuffer.allocate(8 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        riff.put(ascii("RIFF")).putInt(body.size()).put(body.toByteArray());
        return riff.array();
    }

    public static byte[] chunk(String name, byte[] data) {
        int padded = data.length + (data.length & 1);
        return ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN)
                .put(ascii(name)).putInt(data.length).put(data).array();
    }

    /** A lossy key frame's header: frame tag (key frame, shown, first partition of 5 bytes), start code, sizes. */
    public static byte[] vp8(int width, int height) {
        int firstPartition = 5;
        int tag = 0 /* key frame */ | 0 << 1 /* version */ | 1 << 4 /* shown */ | firstPartition << 5;
        ByteBuffer data = ByteBuffer.allocate(10 + firstPartition).order(ByteOrder.LITTLE_ENDIAN);
        data.put((byte) tag).put((byte) (tag >> 8)).put((byte) (tag >> 16));
        data.put((byte) 0x9D).put((byte) 0x01).put((byte) 0x2A);
        data.putShort((short) width).putShort((short) height);
        return chunk("VP8 ", data.array());
    }

    /** A lossless image's header: signature 0x2F, then width-1 and height-1 in 14 bits each, version 0. */
    public static byte[] vp8l(int width, int height) {
        int bits = (width - 1) | (height - 1) << 14;
        ByteBuffer data = ByteBuffer.allocate(5 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.put((byte) 0x2F).putInt(bits);
        return chunk("VP8L", data.array());
    }

    public static byte[] vp8x(int flags, int canvasWidth, int canvasHeight) {
        ByteBuffer data = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        data.put((byte) flags).put(new byte[3]);
        put24(data, canvasWidth - 1);
        put24(data, canvasHeight - 1);
        return chunk("VP8X", data.array());
    }

    public static byte[] anim() {
        return chunk("ANIM", new byte[6]);
    }

    public static byte[] anmf(int x, int y, int width, int height, byte[] image) {
        ByteBuffer data = ByteBuffer.allocate(16 + image.length).order(ByteOrder.LITTLE_ENDIAN);
        put24(data, x / 2);
        put24(data, y / 2);
        put24(data, width - 1);
        put24(data, height - 1);
        put24(data, 100);
        data.put((byte) 0).put(image);
        return chunk("ANMF", data.array());
    }

    public static byte[] animatedWebp(int width, int height) {
        return riff(vp8x(0x02, width, height), anim(), anmf(0, 0, width, height, vp8l(width, height)),
                anmf(0, 0, width, height, vp8(width, height)));
    }

    private static void put24(ByteBuffer data, int value) {
        data.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** GPSLatitude 48/1, 51/1, 2999/100 as EXIF RATIONALs (little-endian), as {@link #phonePhoto} carries it. */
    public static final byte[] PHOTO_LATITUDE = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(48).putInt(1).putInt(51).putInt(1).putInt(2999).putInt(100).array();

    /** A JPEG as a phone writes it: EXIF with GPS and orientation 6, XMP, IPTC, an ICC profile, a comment. */
    public static byte[] phonePhoto(int width, int height) {
        return withMetadata(jpeg(width, height), exif(6));
    }

    /**
     * A PNG of exactly {@code bytes} bytes: a small picture whose size is made up by a private
     * ancillary chunk ({@code prVt}), which decoders skip; for tests of size, not of pixels.
     */
    public static byte[] pngOfSize(int bytes) {
        byte[] small = png(16, 16);
        int iendAt = small.length - 12;
        int padding = bytes - small.length - 12;
        if (padding < 0) {
            throw new IllegalArgumentException("at least " + (small.length + 12) + " bytes");
        }
        byte[] filler = new byte[padding];
        new java.util.Random(bytes).nextBytes(filler);
        return concat(java.util.Arrays.copyOf(small, iendAt), pngChunk("prVt", filler),
                java.util.Arrays.copyOfRange(small, iendAt, small.length));
    }

    /** A real 1x1 lossless WebP that browsers decode (the one feature detectors use). */
    public static byte[] tinyWebp() {
        return java.util.Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
    }

    public static byte[] exif(int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put(ascii("II")).putShort((short) 42).putInt(8);
        int gpsIfd = 8 + 2 + 3 * 12 + 4;
        int make = gpsIfd + 2 + 3 * 12 + 4;
        int latitude = make + 6;
        int method = latitude + 24;
        tiff.putShort((short) 3);
        entry(tiff, 0x010F, 2, 6, make);                 // Make "Canon\0"
        entry(tiff, 0x0112, 3, 1, orientation);          // Orientation, SHORT, in place
        entry(tiff, 0x8825, 4, 1, gpsIfd);               // GPS IFD pointer
        tiff.putInt(0);
        tiff.putShort((short) 3);
        entry(tiff, 0x0001, 2, 2, 'N');                  // GPSLatitudeRef "N"
        entry(tiff, 0x0002, 5, 3, latitude);             // GPSLatitude, 3 RATIONALs
        entry(tiff, 0x001B, 7, 11, method);              // GPSProcessingMethod "ASCII\0\0\0GPS"
        tiff.putInt(0);
        tiff.put(ascii("Canon\0")).put(PHOTO_LATITUDE).put(ascii("ASCII\0\0\0GPS"));
        return concat(ascii("Exif\0\0"), java.util.Arrays.copyOf(tiff.array(), tiff.position()));
    }

    private static void entry(ByteBuffer tiff, int tag, int type, int count, int value) {
        tiff.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3) {
            tiff.putShort((short) value).putShort((short) 0);
        } else {
            tiff.putInt(value);
        }
    }

    public static byte[] withMetadata(byte[] jpeg, byte[] exifPayload) {
        int app0End = 4 + ((jpeg[4] & 0xFF) << 8 | jpeg[5] & 0xFF);
        if ((jpeg[3] & 0xFF) != 0xE0) {
            throw new IllegalArgumentException("expected a JFIF JPEG (APP0 first)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, app0End);
        out.writeBytes(segment(0xE1, exifPayload));
        out.writeBytes(segment(0xE1, concat(ascii("http://ns.adobe.com/xap/1.0/\0"),
                ascii("<x:xmpmeta><exif:GPSLatitude>48,51.4998N</exif:GPSLatitude></x:xmpmeta>"))));
        out.writeBytes(segment(0xED, ascii("Photoshop 3.0\08BIM\u0004\u0004 city: Paris")));
        out.writeBytes(segment(0xE2, concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, new byte[40])));
        out.writeBytes(segment(0xFE, ascii("taken at home")));
        out.write(jpeg, app0End, jpeg.length - app0End);
        return out.toByteArray();
    }

    public static byte[] segment(int marker, byte[] payload) {
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (payload.length + 2 >> 8),
            (byte) (payload.length + 2)}, payload);
    }

    /** Where {@code needle} first occurs in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
