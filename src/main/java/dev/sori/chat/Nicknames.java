package dev.sori.chat;

import dev.sori.protocol.ProtocolException;
import java.util.random.RandomGenerator;

/** Nickname rules: the anonymous default and what a chosen nickname may contain. */
public final class Nicknames {
    public static final int MAX_CHARS = 32;

    private static final int ZERO_WIDTH_JOINER = 0x200D; // joins emoji sequences; harmless

    private Nicknames() {
    }

    /** {@code Anon-NNNN}, as the classic tutorials name a newcomer. */
    public static String anonymous(RandomGenerator random) {
        return "Anon-" + (1000 + random.nextInt(9000));
    }

    /**
     * Trims {@code raw} and checks it: 1 to {@value #MAX_CHARS} characters (code points), no
     * control characters and no invisible formatting characters such as bidi overrides, which
     * would let one nickname disguise itself as another.
     *
     * @throws ProtocolException {@code invalid_argument} saying what is wrong
     */
    public static String validate(String raw) {
        if (raw == null) {
            throw ProtocolException.invalidArgument("the nickname must be a string");
        }
        String nick = raw.strip();
        if (nick.isEmpty()) {
            throw ProtocolException.invalidArgument("the nickname must not be empty");
        }
        int length = nick.codePointCount(0, nick.length());
        if (length > MAX_CHARS) {
            throw ProtocolException.invalidArgument("the nickname must be at most " + MAX_CHARS + " characters");
        }
        if (hasInvisibleOrControl(nick)) {
            throw ProtocolException.invalidArgument("the nickname must not contain control or formatting characters");
        }
        return nick;
    }

    /** Control characters, line/paragraph separators, and invisible formatting characters but the ZWJ. */
    static boolean hasInvisibleOrControl(String s) {
        return s.codePoints().anyMatch(cp -> {
            int type = Character.getType(cp);
            return type == Character.CONTROL || (type == Character.FORMAT && cp != ZERO_WIDTH_JOINER)
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
        });
    }
}
