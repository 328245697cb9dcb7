package dev.sori.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * WildFly ({@code org.wildfly:wildfly-dist} zip, unpacked by Maven into
 * {@code target/appservers/wildfly-VERSION}) with {@code target/sori.war} in the deployment
 * scanner's folder:
 *
 * <pre>
 * cp target/sori.war BASE/deployments/
 * bin/standalone.sh -b 127.0.0.1 -bmanagement 127.0.0.1 -Djboss.server.base.dir=BASE \
 *      -Djboss.http.port=P -Djboss.https.port=S -Djboss.management.http.port=M -Djboss.management.https.port=N
 * </pre>
 *
 * <ul>
 * <li>{@code BASE} is a fresh copy of the distribution's {@code standalone/} folder in the run
 *     directory, so the unpacked server is never written to and every run starts clean.</li>
 * <li>Every port the default {@code standalone.xml} opens is set to a free one.</li>
 * <li>Ready when the log says {@code WFLYSRV0025} (started) and the scanner has written
 *     {@code deployments/sori.war.deployed}; {@code sori.war.failed} or {@code WFLYSRV0026}
 *     (started with errors) fail at once.</li>
 * <li>{@link #undeploy} and {@link #redeploy} drive the scanner with its marker files.</li>
 * </ul>
 */
final class WildFlyServer extends AppServer {

    WildFlyServer() {
        this("wildfly");
    }

    /** One whose run directory is {@code target/appservers/runs/NAME}, so that two tests' servers never share one. */
    WildFlyServer(String name) {
        super(name);
    }

    static Path home() {
        return existing(Paths.get(System.getProperty("sori.wildflyHome", "target/appservers/wildfly")), "WildFly");
    }

    Path deployments() {
        return runDir.resolve("standalone").resolve("deployments");
    }

    @Override
    protected int portsNeeded() {
        return 4;
    }

    @Override
    protected void prepare() throws IOException {
        Path base = runDir.resolve("standalone");
        copyRecursively(home().resolve("standalone").resolve("configuration"), base.resolve("configuration"));
        Files.createDirectories(deployments());
        Files.copy(war(), deployments().resolve("sori.war"));
    }

    @Override
    protected List<String> command(int[] ports) {
        List<String> command = new ArrayList<>(List.of("bash", home().resolve("bin").resolve("standalone.sh").toString(),
                "-b", "127.0.0.1",
                "-bmanagement", "127.0.0.1",
                "-Djboss.server.base.dir=" + runDir.resolve("standalone"),
                "-Djboss.http.port=" + ports[0],
                "-Djboss.https.port=" + ports[1],
                "-Djboss.management.http.port=" + ports[2],
                "-Djboss.management.https.port=" + ports[3]));
        for (Map.Entry<String, String> p : systemProperties.entrySet()) {
            command.add("-D" + p.getKey() + "=" + p.getValue());
        }
        return command;
    }

    @Override
    protected boolean logSaysReady(String log) {
        return log.contains("WFLYSRV0025") && Files.exists(deployments().resolve("sori.war.deployed"));
    }

    @Override
    protected String failure(String log) {
        Path failed = deployments().resolve("sori.war.failed");
        if (Files.exists(failed)) {
            try {
                return "the deployment failed: " + Files.readString(failed);
            } catch (IOException e) {
                return "the deployment failed (" + failed + ")";
            }
        }
        if (log.contains("WFLYSRV0026")) {
            return "WildFly started with errors (WFLYSRV0026)";
        }
        return null;
    }

    /** Asks the deployment scanner to undeploy the WAR and waits until it has. */
    void undeploy() throws IOException {
        Files.delete(deployments().resolve("sori.war.deployed"));
        awaitMarker("sori.war.undeployed");
    }

    /** Asks the deployment scanner to deploy the WAR again and waits until it serves. */
    void redeploy() throws IOException {
        Files.deleteIfExists(deployments().resolve("sori.war.undeployed"));
        Files.writeString(deployments().resolve("sori.war.dodeploy"), "");
        awaitMarker("sori.war.deployed");
    }

    private void awaitMarker(String marker) {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!Files.exists(deployments().resolve(marker))) {
            String failed = failure(log());
            if (failed != null) {
                throw new AssertionError(failed + "\n" + logTail(100));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + marker + " within " + START_LIMIT.toSeconds() + " s\n" + logTail(100));
            }
            sleep(100);
        }
    }
}
