package dev.sori.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** The four image formats Sori accepts, each recognised by its first bytes, never by a name or a declared type. */
public enum ImageType {
    GIF("image/gif"),
    PNG("image/png"),
    JPEG("image/jpeg"),
    WEBP("image/webp");

    /** Enough bytes to tell the four apart: WebP needs "RIFF", its size, "WEBP" and the first chunk's name. */
    public static final int HEAD_BYTES = 16;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final String mime;

    ImageType(String mime) {
        this.mime = mime;
    }

    /** The MIME type to serve it as ({@code image/gif}, ...). */
    public String mime() {
        return mime;
    }

    /**
     * The format whose signature the file starts with. {@code head} is the file's first bytes, up to
     * {@link #HEAD_BYTES} (fewer if the file is shorter). A signature only says what the file claims:
     * the format's own walk then checks the rest.
     */
    public static Optional<ImageType> sniff(byte[] head) {
        if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) {
            return Optional.of(GIF);
        }
        if (startsWith(head, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (head.length >= 16 && startsWith(head, ascii("RIFF")) && region(head, 8, "WEBP")
                && (region(head, 12, "VP8 ") || region(head, 12, "VP8L") || region(head, 12, "VP8X"))) {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    private static boolean region(byte[] head, int at, String text) {
        return Arrays.equals(head, at, at + 4, ascii(text), 0, 4);
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        return head.length >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
