package dev.sori.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a raw-frame test as one row of the RFC 6455 conformance table in docs/security.md
 * ({@link ConformanceTable} writes it from the test results).
 *
 * @param group  the Autobahn Testsuite section it belongs to, e.g. "5 fragmentation"
 * @param rule   the case, in words, with the RFC's section
 * @param answer what the test asserts the server answers (the test fails otherwise)
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Conformance {
    String group();

    String rule();

    String answer();
}
