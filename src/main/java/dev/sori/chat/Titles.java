package dev.sori.chat;

import dev.sori.protocol.ProtocolException;

/** Rules for room titles: 1 to 64 characters after trimming, no control or formatting characters. */
public final class Titles {
    public static final int MAX_CHARS = 64;

    private Titles() {
    }

    public static String validate(String raw) {
        if (raw == null) {
            throw ProtocolException.invalidArgument("\"title\" is required");
        }
        String title = raw.strip();
        if (title.isEmpty()) {
            throw ProtocolException.invalidArgument("the title must not be empty");
        }
        if (title.codePointCount(0, title.length()) > MAX_CHARS) {
            throw ProtocolException.invalidArgument("the title must be at most " + MAX_CHARS + " characters");
        }
        if (Nicknames.hasInvisibleOrControl(title)) {
            throw ProtocolException.invalidArgument("the title must not contain control or formatting characters");
        }
        return title;
    }
}
