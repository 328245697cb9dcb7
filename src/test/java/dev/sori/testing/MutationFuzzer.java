package dev.sori.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A seeded mutation fuzzer of our own, since Jazzer is not served by the registry this project
 * builds from. It starts from a corpus of seed files ({@code src/test/resources/fuzz/NAME/}),
 * mutates them (bit flips, boundary bytes, insertions, deletions, repeats, splices and words of a
 * dictionary), and keeps a mutant in the corpus when the target reports a behaviour it had not
 * shown before: the target's {@link Target#run} returns a short signature of what it did (which
 * refusal, which error code, how many frames). That is behaviour-guided, not coverage-guided: no
 * bytecode is instrumented.
 *
 * <p>Any exception or assertion error out of the target is a finding: the run fails with the seed
 * and the input (base64), and the input is written to {@code target/fuzz-findings/NAME/} so that
 * it can become a regression seed.
 *
 * <p>Budget: {@code -Dsori.fuzz.seconds} per target (default 3), seed {@code -Dsori.fuzz.seed}
 * (default fixed, so a run is repeatable up to where the clock stops it).
 */
public final class MutationFuzzer {
    /** The code under test: runs one input, throws on a finding, returns a behaviour signature. */
    @FunctionalInterface
    public interface Target {
        String run(byte[] input) throws Exception;
    }

    /** What a run did. */
    public record Result(String name, long executions, int corpus, int behaviours, long millis) {
        @Override
        public String toString() {
            return name + ": " + executions + " executions in " + millis + " ms, " + behaviours
                    + " behaviours, corpus " + corpus;
        }
    }

    private static final byte[] BOUNDARY = {0, 1, 0x7E, 0x7F, (byte) 0x80, (byte) 0x81, (byte) 0xFE, (byte) 0xFF, 125, 126, 127};
    private static final int MAX_INPUT = 1 << 16;

    private final String name;
    private final List<byte[]> dictionary = new ArrayList<>();

    public MutationFuzzer(String name) {
        this.name = name;
    }

    /** Words the mutator may insert or overwrite with, e.g. JSON keys or frame headers. */
    public MutationFuzzer dictionary(String... words) {
        for (String w : words) {
            dictionary.add(w.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    public MutationFuzzer dictionary(byte[]... words) {
        dictionary.addAll(List.of(words));
        return this;
    }

    public static long budgetMillis() {
        return (long) (Double.parseDouble(System.getProperty("sori.fuzz.seconds", "3")) * 1000);
    }

    /** Runs the seeds, then mutants for the budget; fails on the first finding. */
    public Result run(Target target) {
        long seed = Long.getLong("sori.fuzz.seed", 0x50_12_1A_2026L);
        Random random = new Random(seed);
        List<byte[]> corpus = new ArrayList<>(seeds());
        if (corpus.isEmpty()) {
            corpus.add(new byte[0]);
        }
        Set<String> behaviours = new HashSet<>();
        long started = System.nanoTime();
        long deadline = started + budgetMillis() * 1_000_000;
        long executions = 0;
        for (byte[] s : List.copyOf(corpus)) {
            behaviours.add(execute(target, s, seed));
            executions++;
        }
        while (System.nanoTime() < deadline) {
            for (int batch = 0; batch < 64; batch++) {
                byte[] input = mutate(corpus.get(random.nextInt(corpus.size())), corpus, random);
                String behaviour = execute(target, input, seed);
                executions++;
                if (behaviours.add(behaviour)) {
                    corpus.add(input);
                }
            }
        }
        Result result = new Result(name, executions, corpus.size(), behaviours.size(),
                (System.nanoTime() - started) / 1_000_000);
        System.out.println("fuzz " + result);
        return result;
    }

    private String execute(Target target, byte[] input, long seed) {
        try {
            String behaviour = target.run(input);
            return behaviour == null ? "" : behaviour;
        } catch (Throwable t) {
            Path dir = Path.of("target", "fuzz-findings", name);
            String encoded = Base64.getEncoder().encodeToString(input);
            try {
                Files.createDirectories(dir);
                Files.write(dir.resolve("finding-" + Integer.toHexString(java.util.Arrays.hashCode(input))), input);
            } catch (IOException e) {
                // the message below still carries the input
            }
            throw new AssertionError("fuzz target " + name + " failed (seed " + seed + ") on input (base64) "
                    + (encoded.length() > 2000 ? encoded.substring(0, 2000) + "..." : encoded) + ": " + t, t);
        }
    }

    private List<byte[]> seeds() {
        Path dir = Path.of("src", "test", "resources", "fuzz", name);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(p));
            }
            return seeds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] mutate(byte[] parent, List<byte[]> corpus, Random random) {
        byte[] out = parent.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            out = mutateOnce(out, corpus, random);
        }
        return out.length > MAX_INPUT ? java.util.Arrays.copyOf(out, MAX_INPUT) : out;
    }

    private byte[] mutateOnce(byte[] in, List<byte[]> corpus, Random random) {
        int n = in.length;
        switch (random.nextInt(dictionary.isEmpty() ? 8 : 10)) {
            case 0 -> { // flip a bit
                if (n > 0) {
                    in[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                }
                return in;
            }
            case 1 -> { // a boundary byte
                if (n > 0) {
                    in[random.nextInt(n)] = BOUNDARY[random.nextInt(BOUNDARY.length)];
                }
                return in;
            }
            case 2 -> { // a random byte
                if (n > 0) {
                    in[random.nextInt(n)] = (byte) random.nextInt(256);
                }
                return in;
            }
            case 3 -> { // insert random bytes
                byte[] extra = new byte[1 + random.nextInt(8)];
                random.nextBytes(extra);
                return insert(in, random.nextInt(n + 1), extra);
            }
            case 4 -> { // delete a range
                if (n == 0) {
                    return in;
                }
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(Math.max(1, Math.min(n - from, 32))));
                return concat(java.util.Arrays.copyOfRange(in, 0, from), java.util.Arrays.copyOfRange(in, to, n));
            }
            case 5 -> { // repeat a range, up to many times (long messages, many frames)
                if (n == 0) {
                    return in;
                }
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(Math.min(n - from, 64)));
                byte[] part = java.util.Arrays.copyOfRange(in, from, to);
                int times = 1 + random.nextInt(random.nextBoolean() ? 4 : 512);
                byte[] repeated = new byte[Math.min(MAX_INPUT, part.length * times)];
                for (int i = 0; i < repeated.length; i++) {
                    repeated[i] = part[i % part.length];
                }
                return insert(in, to, repeated);
            }
            case 6 -> { // splice with another input
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int cut = random.nextInt(n + 1);
                int otherCut = random.nextInt(other.length + 1);
                return concat(java.util.Arrays.copyOfRange(in, 0, cut), java.util.Arrays.copyOfRange(other, otherCut, other.length));
            }
            case 7 -> { // truncate
                return n == 0 ? in : java.util.Arrays.copyOf(in, random.nextInt(n));
            }
            case 8 -> { // insert a dictionary word
                return insert(in, random.nextInt(n + 1), dictionary.get(random.nextInt(dictionary.size())));
            }
            default -> { // overwrite with a dictionary word
                byte[] word = dictionary.get(random.nextInt(dictionary.size()));
                if (n < word.length) {
                    return insert(in, random.nextInt(n + 1), word);
                }
                System.arraycopy(word, 0, in, random.nextInt(n - word.length + 1), word.length);
                return in;
            }
        }
    }

    private static byte[] insert(byte[] in, int at, byte[] extra) {
        byte[] out = new byte[in.length + extra.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(in, at, out, at + extra.length, in.length - at);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
