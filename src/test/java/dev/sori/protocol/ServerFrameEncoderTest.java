package dev.sori.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerFrameEncoderTest {
    private final ServerFrameEncoder encoder = new ServerFrameEncoder();

    @Test
    void encodesAnEventWithoutId() {
        String json = encoder.encode(ServerFrame.event("message",
                new ChatMessage("general", 3, "u1", "nico", "#2a9d8f", "hi \"there\" <b>", null, 1700000000000L, null)));
        assertThat(json).isEqualTo("{\"type\":\"message\",\"payload\":{\"room\":\"general\",\"seq\":3,\"uid\":\"u1\","
                + "\"nick\":\"nico\",\"color\":\"#2a9d8f\",\"text\":\"hi \\\"there\\\" <b>\",\"ts\":1700000000000}}");
    }

    @Test
    void encodesErrorsWithIdAndCode() {
        assertThat(encoder.encode(ServerFrame.error("7", ErrorCode.UNKNOWN_TYPE, "unknown type")))
                .isEqualTo("{\"type\":\"error\",\"id\":\"7\",\"payload\":{\"code\":\"unknown_type\",\"message\":\"unknown type\"}}");
    }

    @Test
    void leavesOutNullFields() {
        String join = encoder.encode(ServerFrame.event("system",
                SystemEvent.of("general", SystemEvent.JOIN, "u1", "Anon-1234", null, "#123456", 2, 1, 5)));
        assertThat(join).doesNotContain("old").doesNotContain("null").contains("\"count\":2");
        assertThat(encoder.encode(ServerFrame.ack("1", new Acks.Empty()))).isEqualTo("{\"type\":\"ack\",\"id\":\"1\",\"payload\":{}}");
    }

    @Test
    void encodesACoalescedJoinWithNicksInsteadOfNickAndCountLast() {
        String join = encoder.encode(ServerFrame.event("system", SystemEvent.coalesced("general", SystemEvent.JOIN,
                java.util.List.of("u1", "u2"), java.util.List.of("Anon-1", "Anon-2"), java.util.List.of("#111111", "#222222"),
                150, 120, 5)));
        assertThat(join).isEqualTo("{\"type\":\"system\",\"payload\":{\"room\":\"general\",\"kind\":\"join\","
                + "\"uids\":[\"u1\",\"u2\"],\"nicks\":[\"Anon-1\",\"Anon-2\"],\"colors\":[\"#111111\",\"#222222\"],"
                + "\"count\":150,\"people\":120,\"ts\":5}}");
    }

    @Test
    void roundTripsThroughTheDecoder() {
        String json = encoder.encode(ServerFrame.ack("abc", new Acks.Posted("general", 9, null, null)));
        ClientFrame decoded = new ClientFrameDecoder().decode(json);
        assertThat(decoded).isInstanceOfSatisfying(ClientFrame.Request.class, r -> {
            assertThat(r.type()).isEqualTo("ack");
            assertThat(r.id()).isEqualTo("abc");
            assertThat(r.payload().asJsonObject().getJsonNumber("seq").longValue()).isEqualTo(9);
        });
    }
}
