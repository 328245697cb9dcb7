package dev.sori.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting, defined once: its name gives the option {@code --NAME} of server.jar, the system
 * property {@code sori.NAME} and the environment variable {@code SORI_NAME} of both; picocli's
 * options, the WAR's reading, {@code --help} and the tables in README.md and docs/deploy.md all
 * come from here.
 *
 * @param name         e.g. {@code max-message-chars}
 * @param type         how its text is parsed and bounded
 * @param defaultValue the value when it is not given, or null for none
 * @param scope        whether server.jar, the WAR or both take it
 * @param secret       never shown: logged and described as {@code ***}
 * @param doc          one line for the documentation and {@code --help}, in Markdown (code in
 *                     backticks); lower case, no final full stop
 */
public record Setting<T>(String name, ValueType<T> type, T defaultValue, Scope scope, boolean secret, String doc) {

    /** Where a setting applies. */
    public enum Scope {
        /** server.jar and the WAR. */
        BOTH,
        /** server.jar only: in the WAR the application server owns the sockets, ports and TLS. */
        JAR,
        /** The WAR only. */
        WAR
    }

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(doc, "doc");
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a setting's name is lower-case words joined by '-': " + name);
        }
    }

    /** A setting of both server.jar and the WAR, not secret. */
    public static <T> Setting<T> of(String name, ValueType<T> type, T defaultValue, String doc) {
        return new Setting<>(name, type, defaultValue, Scope.BOTH, false, doc);
    }

    public Setting<T> jarOnly() {
        return new Setting<>(name, type, defaultValue, Scope.JAR, secret, doc);
    }

    public Setting<T> warOnly() {
        return new Setting<>(name, type, defaultValue, Scope.WAR, secret, doc);
    }

    public Setting<T> asSecret() {
        return new Setting<>(name, type, defaultValue, scope, true, doc);
    }

    public boolean inJar() {
        return scope != Scope.WAR;
    }

    public boolean inWar() {
        return scope != Scope.JAR;
    }

    /** {@code --max-message-chars} */
    public String option() {
        return "--" + name;
    }

    /** {@code sori.max-message-chars} */
    public String systemProperty() {
        return "sori." + name;
    }

    /** {@code SORI_MAX_MESSAGE_CHARS} */
    public String environmentVariable() {
        return "SORI_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The default as it would be written, or null when there is none. */
    public String defaultText() {
        return defaultValue == null ? null : type.format(defaultValue);
    }

    /**
     * The value of a text given for this setting.
     *
     * @throws IllegalArgumentException saying what is wrong with it, e.g. "must be positive"
     */
    public T parse(String text) {
        return type.parse(text);
    }
}
