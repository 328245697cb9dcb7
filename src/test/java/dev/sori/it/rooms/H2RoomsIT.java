package dev.sori.it.rooms;

import dev.sori.testing.ServerProcess;
import java.nio.file.Path;
import java.util.List;

/** {@link RoomsContract} on the default storage: embedded H2 in a fresh {@code --data-dir}. */
class H2RoomsIT extends RoomsContract {

    @Override
    Storage newStorage() {
        Path dir = ServerProcess.freshDataDir();
        return new Storage("H2 in " + dir, List.of("--data-dir", dir.toString()), () -> { });
    }
}
