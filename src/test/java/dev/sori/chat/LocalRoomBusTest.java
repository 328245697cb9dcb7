package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRoomBusTest extends RoomBusContract {

    @Override
    protected RoomBus newBus() {
        return new LocalRoomBus();
    }

    @Test
    void deliversOnThePublishingThreadBeforePublishReturns() {
        RoomBus bus = bus();
        List<Thread> threads = new ArrayList<>();
        bus.subscribe(run -> threads.add(Thread.currentThread()));
        bus.publish(List.of(m("r", 1)));
        assertThat(threads).containsExactly(Thread.currentThread());
    }
}
