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
        if (text.length() > maxChars && text.codePointCount(0, text.length()) > maxChars) {
            throw ProtocolException.invalidArgument("the message text must be at most " + maxChars + " characters");
        }
        if (text.indexOf('\u0000') >= 0) { // no database keeps it faithfully (PostgreSQL refuses it)
            throw ProtocolException.invalidArgument("the message text must not contain NUL characters");
        }
        return text;
    }
}
