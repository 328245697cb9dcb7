package dev.sori.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A few members for a moment: each path writes every frame to every member and reports its CPU. */
class WriteFloorTest {
    private static final Pattern LINE = Pattern.compile(
            "(\\d+) writes measured: writing thread ([\\d.]+) µs per write \\(user ([\\d.]+), kernel ([\\d.]+)\\)");
    // (user and kernel: this short a run splits them in scheduler ticks, so only their form is checked)

    @ParameterizedTest(name = "--path {0}")
    @ValueSource(strings = {"nio", "outbox", "queue"})
    void eachPathWritesEveryFrameToEveryMemberAndReportsItsCpu(String path) throws Exception {
        String line = WriteFloor.run(Options.parse("--path", path, "--members", "50", "--rate", "100",
                "--warmup", "0.3", "--duration", "0.7", "--objects", "4", "--atomics", "1"));

        assertThat(line).startsWith("write floor: --path " + path + ", 50 members (sockets packed), 4 objects each (spread, 1 atomic");
        Matcher m = LINE.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        assertThat(Long.parseLong(m.group(1)) % 50).as("whole rounds of 50 writes").isZero();
        assertThat(Long.parseLong(m.group(1))).isGreaterThanOrEqualTo(20 * 50);
        assertThat(Double.parseDouble(m.group(2))).isPositive();
    }
}
