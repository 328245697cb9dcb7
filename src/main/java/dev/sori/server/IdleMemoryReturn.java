package dev.sori.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes a server started as {@code java -jar server.jar}, with the JVM's defaults, give memory
 * back once it is idle (issue 19). With the defaults, G1 keeps every heap region it has touched:
 * the garbage of a burst of handshakes stays in the process's RSS for as long as it runs, so an
 * idle server holds many times what its connections need.
 *
 * <p>HotSpot lets a running JVM change three of its collector's flags ("manageable" flags), and
 * those three are enough: a periodic collection when the server has been quiet, and free-ratio
 * bounds that let that collection return what it does not need. Nothing else is touched (the
 * collector, the heap's limits, the young generation), and only flags still at the JVM's default:
 * anything given on the command line or in {@code JAVA_TOOL_OPTIONS} wins. Only {@code server.jar}
 * applies this; in an application server the JVM belongs to the container. A JVM without these
 * flags (not HotSpot) or with another collector than G1 is left as it is.
 */
final class IdleMemoryReturn {
    /**
     * The values, in the order they must be set (HotSpot refuses a maximum free ratio under the
     * minimum): keep 10-20 % of the heap free after a collection instead of 40-70 %, and collect
     * when no collection has run for 30 s (G1's periodic collection is off by default).
     */
    static final List<Map.Entry<String, String>> FLAGS = List.of(Map.entry("MinHeapFreeRatio", "10"),
            Map.entry("MaxHeapFreeRatio", "20"), Map.entry("G1PeriodicGCInterval", "30000"));

    private IdleMemoryReturn() {
    }

    /**
     * Sets each of {@link #FLAGS} that is still at the JVM's default; returns the ones it set, as
     * {@code name=value}, for the start-up log line. Never throws: a flag the JVM does not have or
     * refuses is skipped.
     */
    static List<String> apply() {
        HotSpotDiagnosticMXBean hotSpot;
        try {
            hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
        // G1 is the default collector; any other was chosen (by the user, or by the JVM on a machine
        // too small for G1) with its own sizing, which these flags are not tuned for.
        if (hotSpot == null || ManagementFactory.getGarbageCollectorMXBeans().stream()
                .noneMatch(gc -> gc.getName().startsWith("G1 "))) {
            return List.of();
        }
        List<String> applied = new ArrayList<>();
        for (Map.Entry<String, String> flag : FLAGS) {
            try {
                VMOption current = hotSpot.getVMOption(flag.getKey());
                if (current.getOrigin() != VMOption.Origin.DEFAULT || !current.isWriteable()) {
                    continue;
                }
                hotSpot.setVMOption(flag.getKey(), flag.getValue());
                applied.add(flag.getKey() + "=" + flag.getValue());
            } catch (RuntimeException e) {
                // Not this JVM's flag, or a value it refuses (the maximum ratio under a minimum the
                // user set): leave it.
            }
        }
        return List.copyOf(applied);
    }
}
