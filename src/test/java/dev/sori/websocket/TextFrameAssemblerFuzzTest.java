package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.testing.MutationFuzzer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link TextFrameAssembler} against the obvious answer: the input picks a limit and cuts
 * its text into the parts of several messages; every message under the limit must come back
 * whole at its last part and nowhere else, and one over it must throw {@code TooLarge} exactly at
 * the part that takes it over, and then stay silent to its last part. Seeds:
 * {@code src/test/resources/fuzz/text-frame-assembler/}.
 */
class TextFrameAssemblerFuzzTest {
    private static final int[] LIMITS = {4, 64, 1000, 64 * 1024};

    @Test
    void theAssemblerAgreesWithTheObviousAnswer() {
        new MutationFuzzer("text-frame-assembler")
                .dictionary("\uD55C\uAE00", "\u20AC", "\uD83D\uDE00", "\uD800", "\uDC00", "{\"type\":\"ping\"}", "\u0000")
                .run(TextFrameAssemblerFuzzTest::check);
    }

    static String check(byte[] input) throws Exception {
        if (input.length < 2) {
            return "short";
        }
        int limit = LIMITS[(input[0] & 0xFF) % LIMITS.length];
        java.util.Random cuts = new java.util.Random(input[1] & 0xFF);
        String text = new String(input, 2, input.length - 2, StandardCharsets.UTF_8);
        TextFrameAssembler assembler = new TextFrameAssembler(limit);
        int at = 0;
        int messages = 0;
        int refused = 0;
        StringBuilder message = new StringBuilder();
        boolean over = false;
        while (at < text.length()) {
            int end = Math.min(text.length(), at + 1 + cuts.nextInt(Math.max(1, limit / 2 + 3)));
            // Cuts may split a surrogate pair, as a container's parts may.
            String part = text.substring(at, end);
            boolean last = end == text.length() || cuts.nextInt(4) == 0;
            at = end;
            if (over) {
                assertThat(assembler.add(part, last)).isNull();
            } else {
                message.append(part);
                if (TextFrameAssembler.utf8Length(message) > limit) {
                    assertThatThrownBy(() -> assembler.add(part, last)).isInstanceOf(TextFrameAssembler.TooLarge.class);
                    refused++;
                    over = !last;
                    message.setLength(0);
                    continue;
                }
                String whole = assembler.add(part, last);
                if (last) {
                    assertThat(whole).isEqualTo(message.toString());
                    messages++;
                    message.setLength(0);
                } else {
                    assertThat(whole).isNull();
                }
            }
            if (last) {
                over = false;
            }
        }
        return limit + "/" + Math.min(messages, 3) + "/" + Math.min(refused, 3);
    }
}
