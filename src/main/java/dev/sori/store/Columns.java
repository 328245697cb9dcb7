package dev.sori.store;

import java.util.Objects;

/**
 * The sizes of the schema's text columns, checked in Java before a row is written: one bad value
 * must not fail the whole batch it would be committed with.
 */
final class Columns {
    /** Room and identity ids. */
    static final int MAX_ID_CHARS = 64;
    static final int MAX_NICK_CHARS = 64;
    static final int MAX_COLOR_CHARS = 32;
    /** messages.body; the protocol's own limit (2000 by default) is far below it. */
    static final int MAX_TEXT_CHARS = 16_384;
    /** messages.cid and message_cids.cid; the protocol allows 64. */
    static final int MAX_CID_CHARS = 64;

    private Columns() {
    }

    static void requireText(String what, String value, int maxChars) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.length() > maxChars) {
            throw new IllegalArgumentException(what + " must be 1-" + maxChars + " chars");
        }
        if (value.indexOf('\u0000') >= 0) { // PostgreSQL refuses NUL in text
            throw new IllegalArgumentException(what + " must not contain NUL");
        }
    }
}
