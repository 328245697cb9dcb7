package dev.sori.metrics;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.sori.chat.ChatEvents;
import dev.sori.chat.DeliveryRepairs;
import dev.sori.chat.Hub;
import dev.sori.cluster.ClusterNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The metrics of one running chat, for {@code /metrics}: the chat's events ({@link ChatMetrics}),
 * its open connections and delivery repairs, its database pools, in a cluster the bus between the
 * nodes, and the JVM and process. One registry per node (not Micrometer's global one), so that
 * two deployments in one application server do not count into each other.
 *
 * <p>Counters kept elsewhere (the repairs, the cluster's) are read when scraped, never copied.
 */
public final class NodeMetrics implements AutoCloseable {
    /**
     * {@code -Dsori.metrics=false} turns metrics off (no listener, {@code /metrics} answers 404):
     * for the benchmark's A/B (docs/benchmarks.md), or a deployment that wants none.
     */
    public static final String ENABLED_PROPERTY = "sori.metrics";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ChatMetrics chat;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public NodeMetrics() {
        // Filters first: they apply only to meters registered after them. Two of Micrometer's
        // names break Prometheus' conventions (promtool says so): the CPU time in "ns", and a
        // gauge ending in _count. Prometheus' own name for the first instead, a plain one for the
        // second.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
            }
        });
        try {
            ProcessCpu.bindTo(registry);
        } catch (LinkageError e) {
            // An application server's class loader may hide com.sun.management (WildFly's does):
            // process_cpu_usage remains.
        }
        chat = new ChatMetrics(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Whether this JVM wants metrics ({@value #ENABLED_PROPERTY}, on unless {@code false}). */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY));
    }

    /** The listener to give the hub, beside the log's. */
    public ChatEvents events() {
        return chat;
    }

    /** For the database pools Sori builds itself (HikariCP's {@code hikaricp_*} meters, tagged by pool). */
    public MetricsTrackerFactory pools() {
        return new MicrometerMetricsTrackerFactory(registry);
    }

    /** The hub's open connections and its sequencers' repairs. */
    public void bind(Hub hub) {
        Gauge.builder("sori.connections", hub, Hub::connectionCount)
                .description("WebSocket connections open on this node").register(registry);
        DeliveryRepairs repairs = hub.repairs();
        FunctionCounter.builder("sori.delivery.held.messages", repairs, DeliveryRepairs::held)
                .description("messages that came before one they follow and waited for it").register(registry);
        FunctionCounter.builder("sori.delivery.gap.fills", repairs, DeliveryRepairs::reads)
                .description("reads of the database to fill a gap in a room's delivery").register(registry);
        FunctionCounter.builder("sori.delivery.skipped.seqs", repairs, DeliveryRepairs::skipped)
                .description("seqs skipped because retention had removed them before a gap fill").register(registry);
    }

    /** The bus between the nodes: messages published and received, the nodes heard, time degraded. */
    public void bind(ClusterNode node) {
        FunctionCounter.builder("sori.cluster.published.messages", node.bus(), b -> b.publishedMessages())
                .description("messages this node published to the other nodes").register(registry);
        FunctionCounter.builder("sori.cluster.received.messages", node.bus(), b -> b.receivedMessages())
                .description("messages this node received from the other nodes").register(registry);
        Gauge.builder("sori.cluster.nodes", node, ClusterNode::nodes)
                .description("nodes this node hears, itself included").register(registry);
        Gauge.builder("sori.cluster.link.degraded", node, n -> n.isDegraded() ? 1 : 0)
                .description("1 while this node does not hear its own heartbeat (delivery between nodes by sweep)")
                .register(registry);
        FunctionCounter.builder("sori.cluster.degraded", node, ClusterNode::degradedSeconds).baseUnit("seconds")
                .description("time this node spent degraded").register(registry);
    }

    /** Every meter in Prometheus' text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
