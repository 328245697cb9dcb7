package dev.sori.server;

import dev.sori.Version;
import dev.sori.chat.ChatSettings;
import dev.sori.chat.Hub;
import dev.sori.bootstrap.ChatNode;
import dev.sori.cluster.ClusterSettings;
import dev.sori.http.ApiKeys;
import dev.sori.http.Routes;
import dev.sori.store.Storage;
import dev.sori.config.Setting;
import dev.sori.config.SettingValues;
import dev.sori.config.Settings;
import dev.sori.config.Source;
import dev.sori.store.StoreSettings;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code java -jar server.jar}: the standalone Sori server. Its options are {@link Settings#JAR},
 * made into picocli options here; each defaults to its environment variable, then to the table's
 * default.
 */
public final class Main implements Callable<Integer> {
    static {
        Logging.configure(); // before the first logger exists: it picks the log manager
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private final UnaryOperator<String> environment;
    private CommandSpec spec;

    private Main(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System::getenv).execute(args));
    }

    /** The command line, with one option per setting and the environment to fall back on. */
    static CommandLine commandLine(UnaryOperator<String> environment) {
        Main main = new Main(environment);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(main).name("sori").mixinStandardHelpOptions(true)
                .versionProvider(new VersionProvider());
        spec.usageMessage().sortOptions(false).autoWidth(true).description(
                "Sori, a real-time chat server: the page and the /chat WebSocket on one port.",
                "Every option can also be set by the environment variable shown in brackets.");
        for (Setting<?> setting : Settings.JAR) {
            spec.addOption(OptionSpec.builder(setting.option()).paramLabel(setting.type().paramLabel())
                    .type(String.class).description(helpLine(setting)).build());
        }
        main.spec = spec;
        return new CommandLine(spec).setExecutionExceptionHandler(new StartupFailures())
                .setParameterExceptionHandler(Main::badArguments);
    }

    /**
     * The error, picocli's "did you mean" for a mistyped option, then the usage: picocli alone
     * leaves the usage out whenever it has a suggestion.
     */
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        cmd.usage(err);
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The setting's doc as {@code --help} shows it: plain text, its variable, its default. */
    static String helpLine(Setting<?> setting) {
        String line = Character.toUpperCase(setting.doc().charAt(0)) + setting.doc().substring(1).replace("`", "")
                + " [" + setting.environmentVariable() + "]"
                + (setting.defaultText() == null ? "" : " (default: " + setting.defaultText() + ")") + ".";
        return line.replace("%", "%%"); // picocli formats descriptions
    }

    /**
     * The settings of this run: each option given, else its environment variable, else its default.
     *
     * @throws IllegalArgumentException naming the option or variable whose value is invalid
     */
    SettingValues settings() {
        return SettingValues.read(Settings.JAR, Source.options(option -> spec.findOption(option).getValue()),
                Source.environment(environment));
    }

    @Override
    public Integer call() throws Exception {
        SettingValues values;
        ChatSettings chat;
        StoreSettings storeSettings;
        ClusterSettings cluster;
        EdgeSettings edge;
        try {
            values = settings();
            chat = values.chat();
            storeSettings = values.store();
            cluster = values.cluster();
            edge = EdgeSettings.from(values);
        } catch (TlsKeystore.InvalidKeystoreException e) {
            // One line, no stack trace: the operator has a file or a password to fix.
            System.err.println("sori: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // Before the storage and the listener start: their start-up garbage is the first to go back.
        List<String> memoryFlags = IdleMemoryReturn.apply();
        String host = values.get(Settings.HOST);
        int port = values.get(Settings.PORT);
        CannotListenException.checkFree(host, port);
        // The storage before the warm-up, so that a database that cannot be used (another process
        // on it, unreachable) stops the start at once. The twin has a database of its own.
        Storage storage = cluster != null ? Storage.openShared(storeSettings) : Storage.open(storeSettings);
        WarmUp.run(values.get(Settings.WARM_UP), chat, edge.tls());
        ChatNode node = ChatNode.start(chat, cluster, shared -> storage, storeSettings.poolSize() - 1, Version.get());
        Hub hub = node.hub();
        StandaloneServer server;
        try {
            server = StandaloneServer.start(host, port, hub, edge,
                    Routes.standard(hub, Version.get(), node::clusterStatus, node::notReadyBecause, node.media(),
                            node.metrics(), values.get(Settings.METRICS_TOKEN))
                            .withApi(hub, ApiKeys.parse(values.get(Settings.API_KEY)), node.media()));
        } catch (BindException e) {
            node.close();
            throw new CannotListenException(host, port, e); // taken since checkFree
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.log(System.Logger.Level.INFO, "shutting down");
            // Every session gets 1001 before the listener goes; every accepted message is
            // committed (or failed) before exit.
            node.close();
            server.close();
            stopped.countDown();
        }, "sori-shutdown"));

        InetSocketAddress bound = server.address();
        String shownHost = isWildcard(host) ? "localhost" : bound.getHostString();
        if (shownHost.contains(":")) {
            shownHost = "[" + shownHost + "]";
        }
        String authority = shownHost + ":" + bound.getPort();
        // One line, stable format: scripts and tests read the URLs from it.
        String s = server.secure() ? "s" : "";
        System.out.println("Sori " + Version.get() + " listening: page http" + s + "://" + authority + "/ websocket ws"
                + s + "://" + authority + "/chat");
        if (!memoryFlags.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "memory: given back when idle ({0}; a flag on the command line wins)",
                    String.join(", ", memoryFlags));
        }
        LOG.log(System.Logger.Level.INFO, "WebSocket origins: {0}; handshake timeout {1} ms{2}; trusted proxies: {3}",
                edge.origins(), Long.toString(edge.handshakeTimeout().toMillis()),
                edge.tls() == null ? "" : "; TLS from " + edge.tls().file(), edge.trustedProxies());
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Sori " + Version.get()};
        }
    }
}
