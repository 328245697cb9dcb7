package dev.sori.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The boundaries between Sori's packages (docs/architecture.md), checked on the compiled classes:
 * the chat core knows no container, transport or database; the wire protocol knows nothing of the
 * core; storage knows nothing of the wire.
 */
@AnalyzeClasses(packages = "dev.sori", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule theChatCoreKnowsNoContainerTransportOrDatabase = noClasses()
            .that().resideInAPackage("dev.sori.chat..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "jakarta.websocket..", "org.glassfish.tyrus..", "org.glassfish.grizzly..", "jakarta.servlet..",
                    "io.undertow..", "java.sql..", "javax.sql..", "com.zaxxer.hikari..", "org.flywaydb..",
                    "picocli..", "io.lettuce..", "io.netty..", "dev.sori.cluster..", "dev.sori.bootstrap..")
            .because("the same core runs in server.jar, Payara and WildFly, on one node or many (docs/architecture.md)");

    @ArchTest
    static final ArchRule theClusterKnowsTheCoresSeamsNotItsDoorsOrItsDatabase = noClasses()
            .that().resideInAPackage("dev.sori.cluster..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.websocket..", "org.glassfish..",
                    "jakarta.servlet..", "java.sql..", "dev.sori.store..", "dev.sori.websocket..", "dev.sori.server..",
                    "dev.sori.web..", "dev.sori.http..")
            .because("a node carries the chat's seams (RoomBus, Presence) between processes; PostgreSQL stays "
                    + "behind the store, the doors in front of the core");

    @ArchTest
    static final ArchRule onlyTheRedisTransportKnowsLettuce = noClasses()
            .that().resideOutsideOfPackage("dev.sori.cluster..")
            .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "io.netty..")
            .because("Redis is one transport behind ClusterTransport");

    @ArchTest
    static final ArchRule theProtocolDoesNotKnowTheChatCore = noClasses()
            .that().resideInAPackage("dev.sori.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.sori.chat..", "dev.sori.store..")
            .because("the wire protocol is a contract of its own: the core maps to it, not the other way");

    @ArchTest
    static final ArchRule storageDoesNotKnowTheWire = noClasses()
            .that().resideInAPackage("dev.sori.store..")
            .should().dependOnClassesThat().resideInAPackage("dev.sori.protocol..")
            .because("the store raises storage errors; wire error codes are chosen in the protocol layer");

    @ArchTest
    static final ArchRule theCoreDoesNotKnowItsDoors = noClasses()
            .that().resideInAnyPackage("dev.sori.chat..", "dev.sori.protocol..", "dev.sori.store..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.sori.websocket..", "dev.sori.server..",
                    "dev.sori.web..")
            .because("the doors (WebSocket endpoint, standalone server, WAR) depend on the core, never the reverse");

    @ArchTest
    static final ArchRule imagesDoNotKnowTheirDoorsNorTheirStorage = noClasses()
            .that().resideInAPackage("dev.sori.media..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.sori.http..", "dev.sori.store..",
                    "dev.sori.websocket..", "dev.sori.server..", "dev.sori.web..", "jakarta.servlet..",
                    "org.glassfish..", "java.sql..")
            .because("an image is checked and kept the same way whichever runtime took it and wherever it is kept");

    @ArchTest
    static final ArchRule theChatCoreDoesNotKnowImageIntake = noClasses()
            .that().resideInAPackage("dev.sori.chat..")
            .should().dependOnClassesThat().resideInAPackage("dev.sori.media..")
            .because("a message carries an image's description (chat.Media); taking images in is the HTTP door's");

    @ArchTest
    static final ArchRule onlyTheMetricsPackageKnowsMicrometer = noClasses()
            .that().resideOutsideOfPackage("dev.sori.metrics..")
            .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..")
            .because("the chat tells ChatEvents what happens; dev.sori.metrics alone turns that into meters");
}
