package dev.sori.deploy;

import java.nio.file.Path;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * {@code target/sori.war} on Payara Micro (Tyrus inside Grizzly, Yasson), configured through
 * environment variables: {@code SORI_MAX_MESSAGE_CHARS=100}, {@code SORI_PING_INTERVAL=1},
 * {@code SORI_PING_TIMEOUT=5}, {@code SORI_MAX_CONNECTIONS_PER_ADDRESS=4},
 * {@code SORI_ALLOWED_ORIGINS}, {@code SORI_TRUSTED_PROXIES}, {@code SORI_METRICS_TOKEN},
 * {@code SORI_MAX_UPLOAD_BYTES}, {@code SORI_UPLOADS_PER_MINUTE}.
 */
@DisabledIfSystemProperty(named = "sori.skipWarTests", matches = "true", disabledReason = "-DskipWarTests")
class PayaraDeploymentIT extends WarDeploymentContract {

    @Override
    protected AppServer createServer() {
        PayaraMicroServer payara = new PayaraMicroServer();
        payara.environment.put("SORI_MAX_MESSAGE_CHARS", Integer.toString(MAX_MESSAGE_CHARS));
        payara.environment.put("SORI_PING_INTERVAL", Integer.toString(PING_INTERVAL_SECONDS));
        payara.environment.put("SORI_PING_TIMEOUT", Integer.toString(PING_TIMEOUT_SECONDS));
        payara.environment.put("SORI_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(MAX_CONNECTIONS_PER_ADDRESS));
        payara.environment.put("SORI_ALLOWED_ORIGINS", ALLOWED_ORIGIN);
        payara.environment.put("SORI_TRUSTED_PROXIES", TRUSTED_PROXIES);
        payara.environment.put("SORI_METRICS_TOKEN", METRICS_TOKEN);
        payara.environment.put("SORI_MAX_UPLOAD_BYTES", Long.toString(MAX_UPLOAD_BYTES));
        payara.environment.put("SORI_UPLOADS_PER_MINUTE", Integer.toString(UPLOADS_PER_MINUTE));
        return payara;
    }

    /** Sori's own embedded database, {@code data} in the server's working directory: the images are files there. */
    @Override
    protected Path dataDir() {
        return server.runDir.resolve("data");
    }
}
