package dev.sori.chat;

import java.util.List;
import java.util.Objects;

/** The bus of a single node: a publish is a direct call of the subscriber, on the same thread. */
public final class LocalRoomBus implements RoomBus {
    private volatile Subscriber subscriber = run -> { };

    @Override
    public void subscribe(Subscriber subscriber) {
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
    }

    @Override
    public void publish(List<Message> run) {
        subscriber.received(run);
    }

    @Override
    public void moderate(Moderation decision) {
        subscriber.moderated(decision);
    }

    @Override
    public void close() {
        subscriber = run -> { };
    }
}
