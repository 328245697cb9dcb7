package dev.sori.deploy;

import dev.sori.it.ConformanceTable;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/** The raw-frame cases on Payara Micro (Tyrus 2.1.5.payara inside Grizzly, behind the servlet upgrade). */
@DisabledIfSystemProperty(named = "sori.skipWarTests", matches = "true", disabledReason = "-DskipWarTests")
class PayaraFramingIT extends WarFramingCases {

    @Override
    protected AppServer newServer() {
        return new PayaraMicroServer("payara-framing");
    }

    @Override
    protected String column() {
        return ConformanceTable.PAYARA;
    }
}
