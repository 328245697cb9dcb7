package dev.sori.http;

import dev.sori.chat.ChatService;
import dev.sori.chat.Hub;
import dev.sori.chat.Room;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Requests;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/rooms/{room}/moderation} with an API key ({@link ApiKeys}): the server moderates
 * any room, {@code general} included (which has no owner), with the WebSocket's payloads plus
 * {@code "type"}: {@code kick}/{@code ban}/{@code unban} {@code {"uid"}}, {@code delete_message}
 * {@code {"seq"}}. Answered {@code 200 {}} once the decision is stored and sent to every node;
 * refusals as {@link PublishRoute}'s.
 */
final class ModerationRoute {
    private static final System.Logger LOG = System.getLogger(ModerationRoute.class.getName());
    private static final long DECISION_SECONDS = 30;

    private final Hub hub;
    private final ApiKeys keys;

    ModerationRoute(Hub hub, ApiKeys keys) {
        this.hub = hub;
        this.keys = keys;
    }

    void handle(HttpExchange exchange, String roomId) throws IOException {
        if (keys.match(exchange.header("Authorization")) < 0) {
            LOG.log(Level.WARNING, "api: moderation refused: {0} API key",
                    exchange.header("Authorization") == null ? "no" : "a wrong");
            exchange.header("WWW-Authenticate", "Bearer");
            PublishRoute.refuse(exchange, 401, ErrorCode.FORBIDDEN, "moderation needs an API key of this server, as Bearer");
            return;
        }
        if (exchange.requestLength() > PublishRoute.MAX_BODY_BYTES) {
            PublishRoute.refuse(exchange, 413, ErrorCode.TOO_LARGE, "the body is too large");
            return;
        }
        byte[] body = exchange.requestBody().readNBytes(PublishRoute.MAX_BODY_BYTES + 1);
        if (body.length > PublishRoute.MAX_BODY_BYTES) {
            PublishRoute.refuse(exchange, 413, ErrorCode.TOO_LARGE, "the body is too large");
            return;
        }
        try {
            Requests.Moderate decision = Requests.Moderate.from(PublishRoute.parse(body));
            ChatService chat = hub.chat();
            Room room = chat.room(roomId);
            CompletionStage<Void> done = switch (decision.type()) {
                case "kick" -> chat.remove(ChatService.SERVER, room, decision.uid(), false);
                case "ban" -> chat.remove(ChatService.SERVER, room, decision.uid(), true);
                case "unban" -> chat.unban(ChatService.SERVER, room, decision.uid());
                default -> chat.deleteMessage(ChatService.SERVER, room, decision.seq());
            };
            done.toCompletableFuture().get(DECISION_SECONDS, TimeUnit.SECONDS);
            exchange.header("Cache-Control", "no-store");
            exchange.respond(200, "application/json", "{}");
        } catch (ExecutionException | CompletionException e) {
            PublishRoute.answerFailure(exchange, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "the decision was not confirmed in time; send it again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "the server is stopping");
        } catch (RuntimeException e) {
            PublishRoute.answerFailure(exchange, e);
        }
    }
}
