package dev.sori.config;

import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A place settings are read from: the command line, system properties, the environment.
 *
 * @param kind   how the log and errors call it, e.g. {@code environment variable}
 * @param key    the name a setting has there, e.g. {@link Setting#environmentVariable()}
 * @param lookup that name to its text, or null when it is not set
 */
public record Source(String kind, Function<Setting<?>, String> key, UnaryOperator<String> lookup) {

    /** server.jar's options, by option name ({@code --port}) to the text given. */
    public static Source options(UnaryOperator<String> byOption) {
        return new Source("option", Setting::option, byOption);
    }

    public static Source systemProperties(UnaryOperator<String> byName) {
        return new Source("system property", Setting::systemProperty, byName);
    }

    public static Source environment(UnaryOperator<String> byName) {
        return new Source("environment variable", Setting::environmentVariable, byName);
    }

    /** The setting's text here, stripped; null when unset or blank (an empty variable counts as unset). */
    String textOf(Setting<?> setting) {
        String text = lookup.apply(key.apply(setting));
        return text == null || text.isBlank() ? null : text.strip();
    }

    /** {@code environment variable SORI_PORT} */
    String describe(Setting<?> setting) {
        return kind + " " + key.apply(setting);
    }
}
