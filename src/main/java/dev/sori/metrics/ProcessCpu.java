package dev.sori.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;

/**
 * {@code process_cpu_seconds_total}, Prometheus' own name for the process's CPU time. A class of
 * its own so that where {@code com.sun.management} is not visible only this one fails to load.
 */
final class ProcessCpu {
    private ProcessCpu() {
    }

    static void bindTo(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by this process").register(registry);
        }
    }
}
