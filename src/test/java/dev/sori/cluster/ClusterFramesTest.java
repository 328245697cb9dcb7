package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.Media;
import dev.sori.chat.Message;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run of messages crosses to another node whole: text, image, cid; the posting instruction stays home. */
class ClusterFramesTest {

    @Test
    void aRunWithAnImageAndACaptionlessOneArrivesAsSent() throws IOException {
        Media gif = new Media("ab".repeat(32), "image/gif", 320, 240, 123_456);
        List<Message> run = List.of(
                new Message("r1", 7, "id-ada", "ada", "#2a9d8f", "look", gif, 1_700_000_000_000L, "c-1", "sid-9"),
                new Message("r1", 8, "id-ada", "ada", "#2a9d8f", "", gif, 1_700_000_000_001L, null, null),
                new Message("r1", 9, null, "bot", "#000000", "plain text", 1_700_000_000_002L, null, null));

        byte[] frame = ClusterFrames.write(ClusterFrames.MESSAGES, "node-a", 1, ClusterFrames.messages(run));
        DataInputStream in = ClusterFrames.reader(frame);
        ClusterFrames.header(in);
        List<Message> received = ClusterFrames.readMessages(in);

        assertThat(received).hasSize(3);
        assertThat(received.get(0)).isEqualTo(new Message("r1", 7, "id-ada", "ada", "#2a9d8f", "look", gif,
                1_700_000_000_000L, "c-1", null));
        assertThat(received.get(1).media()).isEqualTo(gif);
        assertThat(received.get(1).text()).isEmpty();
        assertThat(received.get(2).media()).isNull();
        assertThat(received.get(2)).isEqualTo(run.get(2));
    }
}
