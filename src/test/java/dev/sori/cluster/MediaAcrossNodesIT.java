package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.MediaCases;
import dev.sori.testing.MediaClient;
import dev.sori.testing.MediaClient.Answer;
import dev.sori.testing.TestClient;
import dev.sori.testing.TestImages;
import jakarta.json.JsonObject;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL and Redis: an image uploaded and posted on one node reaches a
 * member on the other with its description, and the other node serves it (whole and in parts)
 * from its own address, and in its history; the same image uploaded there again is the same image.
 */
class MediaAcrossNodesIT {

    @Test
    void anImageUploadedOnOneNodeIsServedByTheOther() {
        try (Cluster cluster = Cluster.start(2)) {
            cluster.awaitNodesSeen(2, Scenario.DEADLINE);
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            MediaClient onA = new MediaClient(a.page());
            MediaClient onB = new MediaClient(b.page());
            byte[] gif = TestImages.animatedGif(48, 32);

            try (TestClient ada = TestClient.connect(a.chat()); TestClient bob = TestClient.connect(b.chat())) {
                Answer uploaded = onA.upload(ada.token(), gif, "image/gif");
                assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
                JsonObject media = uploaded.json();
                long seq = ada.ack("new_message", "{\"media\":\"" + media.getString("id") + "\",\"text\":\"from A\"}",
                        "m").asJsonObject().getJsonNumber("seq").longValue();

                JsonObject seen = MediaCases.messageWithMedia(bob, media.getString("id"));
                assertThat(seen.getString("text")).isEqualTo("from A");
                assertThat(seen.getJsonObject("media")).isEqualTo(media);

                String url = seen.getJsonObject("media").getString("url");
                Answer fetched = onB.fetch("GET", url);
                assertThat(fetched.status()).isEqualTo(200);
                assertThat(fetched.header("content-type")).isEqualTo("image/gif");
                assertThat(fetched.header("etag")).isEqualTo('"' + media.getString("id") + '"');
                assertThat(fetched.body()).isEqualTo(gif);
                Answer part = onB.fetch("GET", url, "Range", "bytes=6-9");
                assertThat(part.status()).isEqualTo(206);
                assertThat(part.body()).isEqualTo(Arrays.copyOfRange(gif, 6, 10));

                JsonObject history = bob.ack("history", "{\"room\":\"general\"}", "h").asJsonObject();
                assertThat(history.getJsonArray("messages").stream().map(v -> v.asJsonObject())
                        .filter(m -> m.getJsonNumber("seq").longValue() == seq))
                        .singleElement().satisfies(m -> assertThat(m.getJsonObject("media")).isEqualTo(media));

                Answer again = onB.upload(bob.token(), gif, "image/gif");
                assertThat(again.status()).as(again.text()).isEqualTo(201);
                assertThat(again.json()).isEqualTo(media);
            }
        }
    }
}
