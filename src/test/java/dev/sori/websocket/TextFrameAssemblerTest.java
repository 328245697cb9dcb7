package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextFrameAssemblerTest {

    @Test
    void aWholeMessageInOnePartComesStraightBack() throws Exception {
        TextFrameAssembler assembler = new TextFrameAssembler(100);
        String text = "{\"type\":\"ping\"}";

        assertThat(assembler.add(text, true)).isSameAs(text);
    }

    @Test
    void partsAreJoinedUntilTheLast() throws Exception {
        TextFrameAssembler assembler = new TextFrameAssembler(100);

        assertThat(assembler.add("{\"type\":", false)).isNull();
        assertThat(assembler.add("\"ping\"", false)).isNull();
        assertThat(assembler.add("}", true)).isEqualTo("{\"type\":\"ping\"}");
        assertThat(assembler.add("next", true)).isEqualTo("next");
    }

    @Test
    void exactlyTheLimitIsAccepted() throws Exception {
        TextFrameAssembler assembler = new TextFrameAssembler(10);

        assertThat(assembler.add("12345", false)).isNull();
        assertThat(assembler.add("67890", true)).isEqualTo("1234567890");
    }

    @Test
    void oneByteOverTheLimitIsRefusedAndTheRestOfThatMessageDropped() throws Exception {
        TextFrameAssembler assembler = new TextFrameAssembler(10);

        assertThat(assembler.add("123456", false)).isNull();
        assertThatThrownBy(() -> assembler.add("78901", false)).isInstanceOf(TextFrameAssembler.TooLarge.class);
        assertThat(assembler.add("more of the same message", false)).isNull();
        assertThat(assembler.add("its end", true)).isNull();
        assertThat(assembler.add("fresh", true)).as("the next message starts clean").isEqualTo("fresh");
    }

    @Test
    void aSinglePartOverTheLimitIsRefused() throws Exception {
        TextFrameAssembler assembler = new TextFrameAssembler(10);

        assertThatThrownBy(() -> assembler.add("12345678901", true)).isInstanceOf(TextFrameAssembler.TooLarge.class);
        assertThat(assembler.add("ok", true)).isEqualTo("ok");
    }

    @Test
    void theLimitCountsUtf8Bytes() throws Exception {
        TextFrameAssembler assembler = new TextFrameAssembler(6);

        assertThat(assembler.add("소리", true)).isEqualTo("소리"); // 2 × 3 bytes
        assertThatThrownBy(() -> assembler.add("소리!", true)).isInstanceOf(TextFrameAssembler.TooLarge.class);
    }

    @Test
    void utf8LengthMatchesTheJdkIncludingSurrogatePairs() {
        for (String s : new String[] {"", "ascii", "é", "소리", "😀", "a😀b소é", "\u07ff\u0800"}) {
            assertThat(TextFrameAssembler.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
        String emoji = "😀";
        assertThat(TextFrameAssembler.utf8Length(emoji.substring(0, 1)) + TextFrameAssembler.utf8Length(emoji.substring(1)))
                .as("a pair split between parts").isEqualTo(4);
    }
}
