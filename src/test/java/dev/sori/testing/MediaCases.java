package dev.sori.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.MediaClient.Answer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Images end to end, as a user sees them, against any running Sori: server.jar ({@code MediaIT})
 * and the WAR on each application server ({@code WarDeploymentContract}) run these same cases,
 * so that "the same behaviour everywhere" is one set of assertions. Each case opens its own
 * connections (new identities, so per-identity upload counts start afresh) and closes them.
 *
 * <p>Budget: no case uploads more than {@value #MOST_UPLOADS_PER_IDENTITY} times with one
 * identity, so a server's {@code uploads-per-minute} of at least that runs them all.
 */
public final class MediaCases {
    public static final int MOST_UPLOADS_PER_IDENTITY = 5;

    private final URI chat;
    private final MediaClient http;
    private final Path dataDir;

    /**
     * {@code dataDir}: where the server keeps its embedded database and the images' files
     * ({@code media} beside it), or null when the images live in a database table.
     */
    public MediaCases(URI page, URI chat, Path dataDir) {
        this.chat = chat;
        this.http = new MediaClient(page);
        this.dataDir = dataDir;
    }

    public void eachFormatIsUploadedPostedReceivedAndServedAsTheImageItIs() {
        record Case(String name, byte[] bytes, String type, int width, int height) {
        }
        List<Case> cases = List.of(
                new Case("png", TestImages.png(120, 80), "image/png", 120, 80),
                new Case("jpeg", TestImages.jpeg(64, 48), "image/jpeg", 64, 48),
                new Case("animated gif", TestImages.animatedGif(30, 20), "image/gif", 30, 20),
                new Case("animated webp", TestImages.animatedWebp(40, 24), "image/webp", 40, 24),
                new Case("webp", TestImages.tinyWebp(), "image/webp", 1, 1));
        try (TestClient ada = TestClient.connect(chat); TestClient bob = TestClient.connect(chat)) {
            for (Case c : cases) {
                JsonObject media = uploaded(ada, c.bytes());
                assertThat(media.getString("type")).as(c.name()).isEqualTo(c.type());
                assertThat(media.getInt("width")).as(c.name()).isEqualTo(c.width());
                assertThat(media.getInt("height")).as(c.name()).isEqualTo(c.height());
                assertThat(media.getString("url")).isEqualTo("media/" + media.getString("id"));

                ada.ack("new_message", "{\"media\":\"" + media.getString("id") + "\",\"text\":\"a " + c.name() + "\"}",
                        "m-" + c.name());
                JsonObject seen = messageWithMedia(bob, media.getString("id"));
                assertThat(seen.getString("text")).isEqualTo("a " + c.name());
                assertThat(seen.getJsonObject("media")).isEqualTo(media);

                Answer image = http.fetch("GET", seen.getJsonObject("media").getString("url"));
                assertThat(image.status()).as(c.name()).isEqualTo(200);
                assertThat(image.header("content-type")).as(c.name()).isEqualTo(c.type());
                assertThat(image.header("x-content-type-options")).isEqualTo("nosniff");
                assertThat(image.header("content-security-policy")).isEqualTo("default-src 'none'; sandbox");
                assertThat(image.header("cache-control")).isEqualTo("public, max-age=31536000, immutable");
                assertThat(image.header("etag")).isEqualTo('"' + media.getString("id") + '"');
                assertThat(image.body()).hasSize(media.getInt("bytes"));
                if (!c.type().equals("image/jpeg")) {
                    assertThat(image.body()).as("kept byte for byte").isEqualTo(c.bytes());
                }
            }
        }
    }

    public void aCachedImageIsNotSentAgainAndALargeOneComesInParts() {
        try (TestClient ada = TestClient.connect(chat)) {
            byte[] png = TestImages.png(400, 300);
            JsonObject media = uploaded(ada, png);
            String url = media.getString("url");
            String etag = '"' + media.getString("id") + '"';

            Answer cached = http.fetch("GET", url, "If-None-Match", etag);
            assertThat(cached.status()).isEqualTo(304);
            assertThat(cached.body()).isEmpty();
            assertThat(cached.header("etag")).isEqualTo(etag);

            Answer head = http.fetch("HEAD", url);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).isEqualTo("image/png");
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(png.length));
            assertThat(head.body()).isEmpty();

            Answer part = http.fetch("GET", url, "Range", "bytes=10-19");
            assertThat(part.status()).isEqualTo(206);
            assertThat(part.header("content-range")).isEqualTo("bytes 10-19/" + png.length);
            assertThat(part.header("content-length")).isEqualTo("10");
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(png, 10, 20));

            Answer tail = http.fetch("GET", url, "Range", "bytes=-5");
            assertThat(tail.status()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(png, png.length - 5, png.length));

            Answer outside = http.fetch("GET", url, "Range", "bytes=" + png.length + "-");
            assertThat(outside.status()).isEqualTo(416);
            assertThat(outside.header("content-range")).isEqualTo("bytes */" + png.length);
        }
    }

    public void unknownIdsAreNotFoundAndRevealNothing() {
        for (String url : List.of("media/" + "0".repeat(64), "media/abc", "media/" + "A".repeat(64))) {
            Answer answer = http.fetch("GET", url);
            assertThat(answer.status()).as(url).isEqualTo(404);
            assertThat(answer.json().getString("code")).isEqualTo("not_found");
            assertThat(answer.text()).doesNotContain("media/");
            if (dataDir != null) {
                assertThat(answer.text()).doesNotContain(dataDir.toString());
            }
        }
    }

    public void historyAndRecoveryCarryTheMedia() {
        try (TestClient ada = TestClient.connect(chat)) {
            String room = ada.ack("create_room", "{\"title\":\"pictures\"}", "c").asJsonObject().getString("room");
            JsonObject media = uploaded(ada, TestImages.gif(10, 10));
            long seq = ada.ack("new_message", "{\"room\":\"" + room + "\",\"media\":\"" + media.getString("id")
                    + "\"}", "m").asJsonObject().getJsonNumber("seq").longValue();

            JsonObject history = ada.ack("history", "{\"room\":\"" + room + "\"}", "h").asJsonObject();
            JsonObject kept = history.getJsonArray("messages").getJsonObject(0);
            assertThat(kept.getJsonObject("media")).isEqualTo(media);
            assertThat(kept.getString("text")).as("no caption").isEmpty();

            try (TestClient again = TestClient.connect(chat, ada.token())) {
                JsonObject joined = again.ack("join", "{\"room\":\"" + room + "\",\"since\":" + (seq - 1) + "}", "j")
                        .asJsonObject();
                assertThat(joined.getBoolean("recovered")).isTrue();
                assertThat(joined.getJsonArray("history").getJsonObject(0).getJsonObject("media")).isEqualTo(media);
            }
        }
    }

    /**
     * Both uploads get the one description; where the images are files, there is one file. (In a
     * table, the id is the table's key: a second row cannot exist.)
     */
    public void theSameFileUploadedTwiceIsKeptOnceAndAFormUploadWorksToo() throws IOException {
        try (TestClient ada = TestClient.connect(chat); TestClient bob = TestClient.connect(chat)) {
            byte[] png = TestImages.png(77, 33);
            JsonObject first = uploaded(ada, png);
            Answer form = http.uploadForm(bob.token(), png, "cat.gif");
            assertThat(form.status()).as(form.text()).isEqualTo(201);
            assertThat(form.json()).isEqualTo(first);
            String id = first.getString("id");
            if (dataDir != null) {
                try (Stream<Path> files = Files.walk(dataDir.resolve("media"))) {
                    assertThat(files.filter(p -> p.getFileName().toString().equals(id))).hasSize(1);
                }
            }
            assertThat(http.fetch("GET", first.getString("url")).body()).isEqualTo(png);
        }
    }

    public void aPhotosLocationNeverReachesTheOthers() {
        try (TestClient ada = TestClient.connect(chat); TestClient bob = TestClient.connect(chat)) {
            byte[] photo = TestImages.phonePhoto(64, 48);
            assertThat(TestImages.indexOf(photo, "GPS".getBytes(StandardCharsets.US_ASCII))).isPositive();
            JsonObject media = uploaded(ada, photo);
            ada.ack("new_message", "{\"media\":\"" + media.getString("id") + "\"}", "m");
            JsonObject seen = messageWithMedia(bob, media.getString("id"));
            byte[] served = http.fetch("GET", seen.getJsonObject("media").getString("url")).body();
            assertThat(TestImages.indexOf(served, "GPS".getBytes(StandardCharsets.US_ASCII))).isNegative();
            assertThat(TestImages.indexOf(served, TestImages.PHOTO_LATITUDE)).isNegative();
            assertThat(served.length).isLessThan(photo.length);
        }
    }

    public void everyRefusalHasItsStatusAndCodeAndTheChatGoesOn() {
        try (TestClient ada = TestClient.connect(chat); TestClient bob = TestClient.connect(chat)) {
            byte[] png = TestImages.png(20, 20);
            assertRefused(http.upload(null, png, "image/png"), 401, "forbidden");
            assertRefused(http.upload("not-a-token", png, "image/png"), 401, "forbidden");
            byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
            assertRefused(http.upload(ada.token(), html, "image/gif"), 415, "unsupported");
            byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                    .getBytes(StandardCharsets.UTF_8);
            assertRefused(http.upload(ada.token(), svg, "image/svg+xml"), 415, "unsupported");
            assertRefused(http.upload(ada.token(), Arrays.copyOf(png, png.length / 2), "image/png"), 400,
                    "invalid_argument");
            assertRefused(http.upload(ada.token(), new byte[0], "image/png"), 400, "invalid_argument");
            assertRefused(http.upload(ada.token(), TestImages.handMadePng(20_000, 10), "image/png"), 400,
                    "invalid_argument");

            // Posting what does not exist, or what someone else uploaded: not_found, and the connection lives on.
            JsonObject theirs = uploaded(bob, TestImages.png(21, 21));
            for (String id : List.of("f".repeat(64), theirs.getString("id"), "nope")) {
                JsonObject error = ada.request("new_message", "{\"media\":\"" + id + "\"}", "bad-" + id.length());
                assertThat(error.getString("type")).isEqualTo("error");
                assertThat(error.getJsonObject("payload").getString("code")).isEqualTo("not_found");
            }
            ada.ack("new_message", "\"still here\"", "ok");
            bob.next(f -> "message".equals(f.getString("type"))
                    && "still here".equals(f.getJsonObject("payload").getString("text")));
        }
    }

    /**
     * {@code limit}: the server's {@code max-upload-bytes}, which {@code welcome} must show. Declared
     * too large ({@code declared} bytes, well over the limit), the upload is refused from its head;
     * not declared honestly, it is cut once past the limit; the uploader's connection and the chat go on.
     */
    public void anUploadOverTheLimitIsCutWhereTheLimitIsAndTheServerReadsNoFurther(long limit, long declared)
            throws IOException {
        try (TestClient ada = TestClient.connect(chat); TestClient bob = TestClient.connect(chat)) {
            assertThat(ada.welcome().getJsonObject("limits").getJsonNumber("maxUploadBytes").longValue())
                    .isEqualTo(limit);
            // Declared too large: refused from the head; the body the client then sends anyway is not
            // taken (a server that read and discarded it would take all of it).
            try (MediaClient.Streaming big = http.stream(ada.token(), declared, "image/png")) {
                Answer refused = big.answer();
                assertRefused(refused, 413, "too_large");
                assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
                byte[] noise = new byte[64 * 1024];
                while (big.sent() < declared && big.send(noise)) {
                    // until the server's close stops us, or all is sent
                }
                assertThat(big.sent()).as("bytes of the refused body the server took").isLessThan(declared);
            }
            byte[] png = TestImages.png(100, 100);
            long claimed = limit + (1 << 20);
            try (MediaClient.Streaming lying = http.stream(ada.token(), claimed, "image/png")) {
                lying.send(png);
                byte[] noise = new byte[64 * 1024];
                while (lying.sent() < claimed && lying.send(noise)) {
                    // until the server answers and closes, or all is sent
                }
                Answer refused = lying.answer();
                assertRefused(refused, 413, "too_large");
                assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
                assertThat(lying.closedByServer()).as("closed, the rest not read").isTrue();
            }
            ada.ack("new_message", "\"after the big one\"", "after");
            bob.next(f -> "message".equals(f.getString("type"))
                    && "after the big one".equals(f.getJsonObject("payload").getString("text")));
            assertThat(uploaded(ada, png).getString("type")).as("a next upload").isEqualTo("image/png");
        }
    }

    /** {@code perMinute}: the server's {@code uploads-per-minute}; one identity uses them all, then one more. */
    public void tooManyUploadsAreRefusedWithWhenToTryAgain(int perMinute) {
        try (TestClient ada = TestClient.connect(chat); TestClient bob = TestClient.connect(chat)) {
            byte[] png = TestImages.png(5, 5);
            List<Integer> statuses = new ArrayList<>();
            Answer last = null;
            for (int i = 0; i <= perMinute; i++) {
                last = http.upload(ada.token(), png, "image/png");
                statuses.add(last.status());
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < perMinute; i++) {
                expected.add(201);
            }
            expected.add(429);
            assertThat(statuses).isEqualTo(expected);
            assertRefused(last, 429, "rate_limited");
            assertThat(Integer.parseInt(last.header("retry-after"))).isBetween(1, 60);
            assertThat(http.upload(bob.token(), png, "image/png").status()).as("someone else's upload").isEqualTo(201);
        }
    }

    // ---- helpers ----

    private JsonObject uploaded(TestClient who, byte[] image) {
        Answer answer = http.upload(who.token(), image, "application/octet-stream");
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json();
    }

    /** The next {@code message} this client receives that carries the image {@code id}. */
    public static JsonObject messageWithMedia(TestClient reader, String id) {
        return reader.next(f -> "message".equals(f.getString("type"))
                && f.getJsonObject("payload").containsKey("media")
                && id.equals(f.getJsonObject("payload").getJsonObject("media").getString("id"))).getJsonObject("payload");
    }

    public static void assertRefused(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.header("content-type")).startsWith("application/json");
        assertThat(answer.json().getString("code")).isEqualTo(code);
        assertThat(answer.json().getString("message")).isNotBlank();
    }
}
