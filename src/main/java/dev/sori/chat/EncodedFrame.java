package dev.sori.chat;

/**
 * A server frame serialised once, ready to be queued to any number of clients. Its UTF-8 size
 * is computed once here so that every outbox can account for it without re-encoding.
 */
public record EncodedFrame(String text, int bytes) {

    public static EncodedFrame of(String text) {
        return new EncodedFrame(text, utf8Length(text));
    }

    static int utf8Length(CharSequence s) {
        int n = s.length();
        int bytes = n; // one byte per char, plus the extra bytes below
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // the pair's two chars already count two of its four bytes
                i++;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }
}
