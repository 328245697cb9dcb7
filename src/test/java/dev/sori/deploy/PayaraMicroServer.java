package dev.sori.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Payara Micro ({@code fish.payara.extras:payara-micro}, fetched by Maven into
 * {@code target/appservers/payara-micro.jar}) running {@code target/sori.war}:
 *
 * <pre>
 * java -jar payara-micro.jar --deploy target/sori.war --port P --nohazelcast --disablephonehome \
 *      --prebootcommandfile preboot.asadmin --rootdir R --unpackdir U
 * </pre>
 *
 * <ul>
 * <li>The HTTPS listener is off unless {@code --sslport} is given, so HTTP is the only port.</li>
 * <li>{@code --nohazelcast}, not {@code --nocluster}: with {@code --nocluster} Payara still starts
 *     its Hazelcast member on port 6900 (or the next free one) on every interface, and the two
 *     options exclude each other (only the first one checked, {@code --nocluster}, applies).</li>
 * <li>The preboot commands bind the HTTP listener to 127.0.0.1 (Payara binds 0.0.0.0 otherwise) and
 *     make it read at most 1 MiB of a refused request body before it closes, rather than all of it
 *     ({@link #BOUNDED_SWALLOWING}).</li>
 * <li>Root, unpack and temporary directories live in the run directory, not in /tmp.</li>
 * <li>Ready when the log says {@code "Payara Micro ... ready in N (ms)"}.</li>
 * </ul>
 */
final class PayaraMicroServer extends AppServer {
    /**
     * Payara reads and throws away whatever a servlet left of a request body before it honours
     * {@code Connection: close} (its default {@code max-swallowing-input-bytes} is -1: all of it),
     * so a refused 2 GiB upload would be read to its end; 0 would close at once, on unread bytes,
     * and the kernel's reset for them can cost the client the refusal it was about to read. At most
     * 1 MiB, as {@code server.jar} does; a WAR cannot set this itself (docs/deploy.md says so).
     */
    static final String BOUNDED_SWALLOWING = "configs.config.server-config.network-config.protocols.protocol"
            + ".http-listener.http.max-swallowing-input-bytes=1048576";

    PayaraMicroServer() {
        this("payara-micro");
    }

    /** With its own run directory, {@code target/appservers/runs/NAME}. */
    PayaraMicroServer(String name) {
        super(name);
    }

    static Path jar() {
        return existing(Paths.get(System.getProperty("sori.payaraMicroJar", "target/appservers/payara-micro.jar")),
                "Payara Micro");
    }

    @Override
    protected int portsNeeded() {
        return 1;
    }

    @Override
    protected void prepare() throws IOException {
        jar();
        war();
        Files.createDirectories(runDir.resolve("root"));
        Files.createDirectories(runDir.resolve("unpack"));
        Files.createDirectories(runDir.resolve("tmp"));
        Files.writeString(runDir.resolve("preboot.asadmin"),
                "set configs.config.server-config.network-config.network-listeners.network-listener"
                        + ".http-listener.address=127.0.0.1\n"
                        + "set " + BOUNDED_SWALLOWING + "\n");
    }

    @Override
    protected List<String> command(int[] ports) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m",
                "-Djava.io.tmpdir=" + runDir.resolve("tmp")));
        for (Map.Entry<String, String> p : systemProperties.entrySet()) {
            command.add("-D" + p.getKey() + "=" + p.getValue());
        }
        command.addAll(List.of("-jar", jar().toString(),
                "--deploy", war().toString(),
                "--port", Integer.toString(ports[0]),
                "--nohazelcast",
                "--disablephonehome",
                "--prebootcommandfile", runDir.resolve("preboot.asadmin").toString(),
                "--rootdir", runDir.resolve("root").toString(),
                "--unpackdir", runDir.resolve("unpack").toString()));
        return command;
    }

    @Override
    protected boolean logSaysReady(String log) {
        return log.contains(") ready in ");
    }

    @Override
    protected String failure(String log) {
        for (String sign : List.of("Failed to start, exiting", "Exception while loading the app",
                "Exception while deploying the app", "Deployment of sori failed")) {
            if (log.contains(sign)) {
                return "the log says \"" + sign + "\"";
            }
        }
        return null;
    }
}
