package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.PostgresDatabase;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/openapi.json}, as served, against the server's real answers: every status the
 * description lists for the publish endpoint is provoked and its body checked against the schema
 * it names (required properties, types, enums, patterns, no undocumented property: a small
 * checker of the JSON Schema subset the description uses), and so are the stream's refusals and
 * the {@code data} of its {@code message} events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {
    private static final String KEY = PushApiIT.KEY;
    private ServerProcess server;
    private JsonObject api;

    @BeforeAll
    void start() {
        server = ServerProcess.start(List.of("-Dsori.api.perMinute=10"), Map.of("SORI_API_KEY", KEY),
                ServerProcess.UNLIMITED_RATE_AND_CONNECTIONS.toArray(String[]::new));
        HttpResponse<String> served = ItSupport.get(server.page(), "/api/openapi.json");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        api = ItSupport.parse(served.body());
        assertThat(api.getString("openapi")).startsWith("3.");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everyDocumentedAnswerOfThePublishEndpointIsWhatTheServerSends() {
        JsonObject responses = operation("/api/rooms/{room}/messages", "post").getJsonObject("responses");
        List<String> checked = new ArrayList<>();
        checked.add(check(responses, publish("general", KEY, "{\"text\":\"documented\",\"cid\":\"doc-1\"}")));
        checked.add(check(responses, publish("general", KEY, "{\"text\":\"documented\",\"cid\":\"doc-1\"}")));
        checked.add(check(responses, publish("general", KEY, "not json")));
        checked.add(check(responses, publish("general", "wrong", "{\"text\":\"x\"}")));
        checked.add(check(responses, publish("nowhere", KEY, "{\"text\":\"x\"}")));
        checked.add(check(responses, publish("general", KEY, "{\"text\":\"" + "x".repeat(70_000) + "\"}")));
        HttpResponse<String> limited;
        do {
            limited = publish("general", KEY, "{\"text\":\"fast\"}");
        } while (limited.statusCode() == 201);
        checked.add(check(responses, limited));
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        List<String> documented = new ArrayList<>(responses.keySet());
        documented.remove("503"); // provoked with PostgreSQL below
        assertThat(checked).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void theStreamsRefusalsAndItsMessageDataAreAsDocumented() throws Exception {
        JsonObject operation = operation("/api/rooms/{room}/events", "get");
        JsonObject responses = operation.getJsonObject("responses");
        check(responses, ItSupport.get(server.page(), "/api/rooms/nowhere/events"));
        check(responses, ItSupport.get(server.page(), "/api/rooms/general/events?since=x"));
        publish("general", KEY, "{\"text\":\"for the stream\",\"nick\":\"Doc\"}"); // may be rate limited: then an older one
        try (EventStreamReader stream = EventStreamReader.open(server.page().resolve("/api/rooms/general/events?since=0"),
                null)) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            assertThat(responses.getJsonObject("200").getJsonObject("content").keySet())
                    .containsExactly(stream.response.headers().firstValue("Content-Type").orElseThrow());
            EventStreamReader.Event event = stream.next("message");
            validate(ItSupport.parse(event.data()), schema("ChatMessage"), "message data");
        }
    }

    @Test
    void anOutageIsTheDocumented503() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.createOrSkip();
             ServerProcess pg = ServerProcess.start(List.of(), Map.of("SORI_API_KEY", KEY),
                     db.serverArgs().toArray(String[]::new))) {
            db.takeDown();
            try {
                HttpResponse<String> down = PushApiIT.publish(pg.page(), "general", KEY, "{\"text\":\"x\"}");
                assertThat(check(operation("/api/rooms/{room}/messages", "post").getJsonObject("responses"), down))
                        .isEqualTo("503");
            } finally {
                db.bringBack();
            }
        }
    }

    @Test
    void everyDocumentedAnswerOfTheModerationEndpointIsWhatTheServerSends() throws Exception {
        JsonObject responses = operation("/api/rooms/{room}/moderation", "post").getJsonObject("responses");
        List<String> checked = new ArrayList<>();
        try (TestClient owner = TestClient.connect(server.chat()); TestClient bob = TestClient.connect(server.chat())) {
            String room = owner.ack("create_room", "{\"title\":\"documented\"}", "c").asJsonObject().getString("room");
            String ownerUid = owner.welcome().getString("uid");
            String bobUid = bob.welcome().getString("uid");
            checked.add(check(responses, moderate(room, KEY, "{\"type\":\"kick\",\"uid\":\"" + bobUid + "\"}")));
            checked.add(check(responses, moderate(room, KEY, "{\"type\":\"shout\"}")));
            checked.add(check(responses, moderate(room, "wrong", "{\"type\":\"kick\",\"uid\":\"" + bobUid + "\"}")));
            checked.add(check(responses, moderate(room, KEY, "{\"type\":\"ban\",\"uid\":\"" + ownerUid + "\"}")));
            checked.add(check(responses, moderate("nowhere", KEY, "{\"type\":\"kick\",\"uid\":\"" + bobUid + "\"}")));
            checked.add(check(responses, moderate(room, KEY, "{\"type\":\"kick\",\"uid\":\"" + "x".repeat(70_000) + "\"}")));
        }
        List<String> documented = new ArrayList<>(responses.keySet());
        documented.remove("503"); // the same storage failure as publishing's, provoked there
        assertThat(checked).containsExactlyInAnyOrderElementsOf(documented);
    }

    private HttpResponse<String> moderate(String room, String key, String body) throws Exception {
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                java.net.http.HttpRequest.newBuilder(server.page().resolve("api/rooms/" + room + "/moderation"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> publish(String room, String key, String body) {
        return PushApiIT.publish(server.page(), room, key, body);
    }

    private JsonObject operation(String path, String method) {
        return api.getJsonObject("paths").getJsonObject(path).getJsonObject(method);
    }

    private JsonObject schema(String name) {
        return api.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
    }

    /** Checks the answer against the response its status documents; returns the status. */
    private String check(JsonObject responses, HttpResponse<String> answer) {
        String status = Integer.toString(answer.statusCode());
        assertThat(responses.keySet()).as("documented statuses").contains(status);
        JsonObject documented = responses.getJsonObject(status);
        JsonObject content = documented.getJsonObject("content");
        String type = answer.headers().firstValue("Content-Type").orElseThrow().split(";")[0];
        assertThat(content.keySet()).as("content of %s", status).contains(type);
        if (documented.containsKey("headers")) {
            for (String header : documented.getJsonObject("headers").keySet()) {
                assertThat(answer.headers().firstValue(header)).as("%s of %s", header, status).isPresent();
            }
        }
        JsonObject schema = resolve(content.getJsonObject(type).getJsonObject("schema"));
        validate(ItSupport.parse(answer.body()), schema, status);
        return status;
    }

    private JsonObject resolve(JsonObject schema) {
        if (schema.containsKey("$ref")) {
            String ref = schema.getString("$ref");
            return schema(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return schema;
    }

    /** The subset of JSON Schema the description uses: type, required, properties, enum, pattern, minimum, additionalProperties. */
    private void validate(JsonValue value, JsonObject schema, String where) {
        schema = resolve(schema);
        String type = schema.getString("type", null);
        if (type != null) {
            boolean fits = switch (type) {
                case "object" -> value.getValueType() == JsonValue.ValueType.OBJECT;
                case "string" -> value.getValueType() == JsonValue.ValueType.STRING;
                case "integer" -> value.getValueType() == JsonValue.ValueType.NUMBER
                        && ((jakarta.json.JsonNumber) value).isIntegral();
                case "boolean" -> value == JsonValue.TRUE || value == JsonValue.FALSE;
                default -> throw new AssertionError("the checker does not know type " + type);
            };
            assertThat(fits).as("%s is a %s: %s", where, type, value).isTrue();
        }
        if (schema.containsKey("enum")) {
            assertThat(schema.getJsonArray("enum")).as("%s in its enum", where).contains(value);
        }
        if (schema.containsKey("pattern")) {
            assertThat(Pattern.compile(schema.getString("pattern")).matcher(((JsonString) value).getString()).find())
                    .as("%s matches %s", where, schema.getString("pattern")).isTrue();
        }
        if (schema.containsKey("minimum")) {
            assertThat(((jakarta.json.JsonNumber) value).longValue()).as("%s minimum", where)
                    .isGreaterThanOrEqualTo(schema.getJsonNumber("minimum").longValue());
        }
        if ("object".equals(type)) {
            JsonObject object = value.asJsonObject();
            JsonObject properties = schema.getJsonObject("properties");
            if (schema.containsKey("required")) {
                for (JsonValue required : schema.getJsonArray("required")) {
                    assertThat(object).as("%s has %s", where, required).containsKey(((JsonString) required).getString());
                }
            }
            for (Map.Entry<String, JsonValue> property : object.entrySet()) {
                if (properties != null && properties.containsKey(property.getKey())) {
                    validate(property.getValue(), properties.getJsonObject(property.getKey()), where + "." + property.getKey());
                } else {
                    assertThat(schema.getBoolean("additionalProperties", true))
                            .as("%s: %s is not documented", where, property.getKey()).isTrue();
                }
            }
        }
    }
}
