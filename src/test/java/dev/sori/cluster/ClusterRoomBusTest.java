package dev.sori.cluster;

import dev.sori.chat.RoomBus;
import dev.sori.chat.RoomBusContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The room bus contract, for the bus of a node of a cluster (on an in-memory network). */
class ClusterRoomBusTest extends RoomBusContract {
    private final MemoryNetwork network = new MemoryNetwork();
    private final List<ClusterNode> nodes = new ArrayList<>();

    @Override
    protected RoomBus newBus() {
        ClusterNode node = new ClusterNode(new ClusterSettings("redis://memory:0", "test", null), network.transport());
        nodes.add(node);
        node.start();
        return node.bus();
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(ClusterNode::close);
    }
}
