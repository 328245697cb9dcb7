package dev.sori.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} (or {@code --name=value}) command-line options (the generator's, and its yardsticks'). */
public final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> raw;

    private Options(List<String> raw) {
        this.raw = raw;
    }

    public static Options parse(String... args) {
        Options o = new Options(List.of(args));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                o.values.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                o.values.put(a.substring(2), args[++i]);
            } else {
                o.values.put(a.substring(2), "true");
            }
        }
        return o;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public int getInt(String name, int fallback) {
        return has(name) ? Integer.parseInt(values.get(name).replace("_", "")) : fallback;
    }

    public long getLong(String name, long fallback) {
        return has(name) ? Long.parseLong(values.get(name).replace("_", "")) : fallback;
    }

    double getDouble(String name, double fallback) {
        return has(name) ? Double.parseDouble(values.get(name).replace("_", "")) : fallback;
    }

    boolean getBoolean(String name, boolean fallback) {
        return has(name) ? Boolean.parseBoolean(values.get(name)) : fallback;
    }

    List<Double> getDoubles(String name, String fallback) {
        List<Double> out = new ArrayList<>();
        for (String s : get(name, fallback).split(",")) {
            if (!s.isBlank()) {
                out.add(Double.parseDouble(s.trim().replace("_", "")));
            }
        }
        return out;
    }

    Map<String, String> asMap() {
        return values;
    }

    String commandLine() {
        return String.join(" ", raw);
    }
}
