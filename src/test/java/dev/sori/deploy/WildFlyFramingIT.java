package dev.sori.deploy;

import dev.sori.it.ConformanceTable;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/** The raw-frame cases on WildFly (Undertow's WebSocket implementation). */
@DisabledIfSystemProperty(named = "sori.skipWarTests", matches = "true", disabledReason = "-DskipWarTests")
class WildFlyFramingIT extends WarFramingCases {

    @Override
    protected AppServer newServer() {
        return new WildFlyServer("wildfly-framing");
    }

    @Override
    protected String column() {
        return ConformanceTable.WILDFLY;
    }
}
