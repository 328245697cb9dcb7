package dev.sori.media;

/**
 * Why an upload is refused: the HTTP status, the protocol's error code and a message for people.
 * Messages name the rule that was broken, never the bytes that broke it.
 */
public final class MediaRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    private MediaRefusal(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** 413 {@code too_large}: more than {@code maxBytes} arrived (reading stopped there). */
    public static MediaRefusal tooLarge(long maxBytes) {
        return new MediaRefusal(413, "too_large", "the file is larger than " + maxBytes + " bytes");
    }

    /** 415 {@code unsupported}: the content is none of GIF, PNG, JPEG, WebP, whatever it claims. */
    public static MediaRefusal unsupported() {
        return new MediaRefusal(415, "unsupported", "not a GIF, PNG, JPEG or WebP image");
    }

    /** 400 {@code invalid_argument}: empty, truncated, undecodable, or over a size limit of the picture. */
    public static MediaRefusal invalid(String message) {
        return new MediaRefusal(400, "invalid_argument", message);
    }

    /** The HTTP status to answer: 400, 413 or 415. */
    public int status() {
        return status;
    }

    /** The protocol's error code: {@code invalid_argument}, {@code too_large} or {@code unsupported}. */
    public String code() {
        return code;
    }
}
