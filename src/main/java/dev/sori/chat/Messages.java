package dev.sori.chat;

import dev.sori.protocol.ProtocolException;

/** Rules for message text. */
public final class Messages {
    private Messages() {
    }

    /**
     * Checks a message text: not blank, at most {@code maxChars} characters (code points). The
     * text is kept exactly as sent, markup included; clients must show it as text.
     */
    public static String validateText(String text, int maxChars) {
        if (text == null || text.isBlank()) {
            throw ProtocolException.invalidArgument("the message text must not be empty");
        }
        return withinLimits(text, maxChars, "the message text");
    }

    /**
     * Checks the caption of a message with media: empty (or absent, read as empty) is fine, else
     * the same rules as a text but blank allowed.
     */
    public static String validateCaption(String caption, int maxChars) {
        return caption == null ? "" : withinLimits(caption, maxChars, "the caption");
    }

    private static String withinLimits(String text, int maxChars, String what) {
        if (text.length() > maxChars && text.codePointCount(0, text.length()) > maxChars) {
            throw ProtocolException.invalidArgument(what + " must be at most " + maxChars + " characters");
        }
        if (text.indexOf('\u0000') >= 0) { // no database keeps it faithfully (PostgreSQL refuses it)
            throw ProtocolException.invalidArgument(what + " must not contain NUL characters");
        }
        return text;
    }
}
