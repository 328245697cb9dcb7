package dev.sori.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Figures read from {@code /proc}: a process's CPU time (utime + stime of {@code /proc/PID/stat},
 * in clock ticks), its resident memory ({@code VmRSS}), its limits, and the machine's.
 */
final class ProcStats {
    /** USER_HZ: 100 on every Linux that matters; read from getconf when it is there. */
    static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcStats() {
    }

    static long selfPid() {
        return ProcessHandle.current().pid();
    }

    /** utime + stime of the process (all threads), in nanoseconds; -1 when unreadable. */
    static long cpuNanos(long pid) {
        long[] us = userSystemNanos(pid);
        return us == null ? -1 : us[0] + us[1];
    }

    /** {utime, stime} of the process (all threads), in nanoseconds; null when unreadable. */
    static long[] userSystemNanos(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            return userSystemOf(Files.readString(Paths.get("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {utime, stime} in nanoseconds from the text of a {@code stat} file (a process's or a thread's). */
    private static long[] userSystemOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state); utime is field 14, stime field 15.
        long tick = 1_000_000_000L / TICKS_PER_SECOND;
        return new long[] {Long.parseLong(f[11]) * tick, Long.parseLong(f[12]) * tick};
    }

    /**
     * CPU (user + system, nanoseconds) of a JVM's JIT compiler threads ("C1 CompilerThre…",
     * "C2 CompilerThre…" in {@code /proc/PID/task/TID/stat}); 0 for a process that has none. At
     * chat rates the JIT goes on compiling for minutes (H2's code runs 20 times a second), so a
     * window's CPU carries a share of compilation that a settled server does not pay: reported
     * beside the total, never subtracted from it silently. A compiler thread that ended takes its
     * time with it (HotSpot starts and stops them on demand), so this is a lower bound.
     */
    static long jitNanos(long pid) {
        if (pid <= 0) {
            return 0;
        }
        long total = 0;
        try (var tasks = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        long[] us = userSystemOf(stat);
                        total += us[0] + us[1];
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended in between
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return total;
    }

    /** VmRSS in KiB; -1 when unreadable. */
    static long rssKiB(long pid) {
        return statusField(pid, "VmRSS:");
    }

    static long threads(long pid) {
        return statusField(pid, "Threads:");
    }

    private static long statusField(long pid, String name) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** The soft limit on open files, or -1. */
    static long openFilesLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String v = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone
        }
        return -1;
    }

    /** The process's command line, arguments separated by spaces. */
    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The 1-, 5- and 15-minute load averages. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static long memTotalKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.substring(9).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Runs {@code jcmd PID GC.class_histogram} (which collects first) and returns the live heap
     * in bytes from its "Total" line, or -1. Uses the jcmd of this JDK.
     */
    static long liveHeapBytes(long pid) {
        List<String> out = jcmd(pid, "GC.class_histogram");
        for (int i = out.size() - 1; i >= 0; i--) {
            String line = out.get(i).trim();
            if (line.startsWith("Total")) {
                String[] f = line.split("\\s+");
                try {
                    return Long.parseLong(f[2]);
                } catch (RuntimeException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    static List<String> jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            p.waitFor(60, TimeUnit.SECONDS);
            return lines;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /**
     * Processes whose CPU is summed as "the server's" when the server is more than one process
     * (a cluster's JVMs, its Redis, the PostgreSQL backends that serve it). The pids are asked for
     * at the start of each measured window, since a database's backends come and go.
     */
    record CpuGroup(String name, java.util.function.Supplier<List<Long>> pids) {
        static CpuGroup of(String name, long... pids) {
            List<Long> fixed = java.util.Arrays.stream(pids).boxed().toList();
            return new CpuGroup(name, () -> fixed);
        }
    }

    /** {user, system, JIT} nanoseconds of each pid, in order; a pid that cannot be read counts 0. */
    static long[][] cpuOf(List<Long> pids) {
        long[][] out = new long[pids.size()][];
        for (int i = 0; i < out.length; i++) {
            long[] us = userSystemNanos(pids.get(i));
            out[i] = us == null ? new long[] {0, 0, 0} : new long[] {us[0], us[1], jitNanos(pids.get(i))};
        }
        return out;
    }

    /**
     * {CPU, system, JIT} nanoseconds the same pids spent between two {@link #cpuOf} readings,
     * summed; a pid gone or reused in between (its CPU went backwards) counts nothing.
     */
    static long[] spentBetween(long[][] before, long[][] after) {
        long[] spent = new long[3];
        for (int i = 0; i < before.length; i++) {
            long[] x = before[i];
            long[] y = after[i];
            if (y[0] + y[1] >= x[0] + x[1]) {
                spent[0] += y[0] + y[1] - x[0] - x[1];
                spent[1] += y[1] - x[1];
                spent[2] += Math.max(0, y[2] - x[2]);
            }
        }
        return spent;
    }

    /**
     * The PostgreSQL backends connected to {@code database} (pg_stat_activity), through psql as
     * user postgres on 127.0.0.1; empty when psql is missing or says no.
     */
    static List<Long> postgresBackends(String database) {
        List<String> lines = run("psql", "-h", "127.0.0.1", "-U", "postgres", "-At", "-c",
                "select pid from pg_stat_activity where datname = '" + database.replace("'", "''") + "'");
        List<Long> pids = new ArrayList<>();
        for (String line : lines) {
            if (line.trim().matches("[0-9]+")) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    /** Counters from a Redis's {@code INFO server}, {@code stats} and {@code commandstats} (redis-cli), by name. */
    static java.util.Map<String, Long> redisInfo(int port) {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (String section : new String[] {"server", "stats", "commandstats"}) {
            for (String line : run("redis-cli", "-p", Integer.toString(port), "INFO", section)) {
                line = line.trim();
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon);
                String value = line.substring(colon + 1);
                if (value.matches("[0-9]+")) {
                    m.put(key, Long.parseLong(value));
                } else if (key.startsWith("cmdstat_") && value.startsWith("calls=")) {
                    m.put(key + ".calls", Long.parseLong(value.substring(6, value.indexOf(','))));
                }
            }
        }
        return m;
    }

    static List<String> run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            p.waitFor(30, TimeUnit.SECONDS);
            return lines;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** A CPU and time reading of the server and the generator, to take differences of. */
    record Snapshot(long wallNanos, long serverCpuNanos, long serverSysNanos, long serverJitNanos, long selfCpuNanos,
                    long selfSysNanos) {
        static Snapshot take(long serverPid) {
            long[] server = userSystemNanos(serverPid);
            long[] self = userSystemNanos(selfPid());
            return new Snapshot(System.nanoTime(), server == null ? -1 : server[0] + server[1],
                    server == null ? -1 : server[1], jitNanos(serverPid), self == null ? -1 : self[0] + self[1],
                    self == null ? -1 : self[1]);
        }
    }
}
