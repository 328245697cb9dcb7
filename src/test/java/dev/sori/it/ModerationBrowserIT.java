package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's moderation as a room's owner and a member see it in Chromium:
 * {@code src/test/browser/moderation.test.mjs}. Only the owner gets the member menu (on the others'
 * entries); the owner removes the member with the keyboard alone (axe checks the open menu) and the
 * member is back in General, told by whom; the owner deletes the member's message through the
 * message menu and the member deletes its own, both confirmed, and both pages show "This message
 * was deleted" (also from history after a reload); the owner bans the member, who is out with a
 * notice, and neither the lobby nor a reload with the room in the address lets them back in, nor
 * asks a password, nor retries the join.
 *
 * <p>Chromium and playwright-core as for {@link BrowserIT}: a failure when missing, only
 * {@code -DskipBrowserTests} skips it.
 */
class ModerationBrowserIT {
    @Test
    void theOwnerRemovesBansAndDeletesAndTheMemberSeesItAndStaysOut() throws Exception {
        Path screenshot = BrowserIT.prepare("browser-moderation-menu.png");
        try (ServerProcess server = ServerProcess.start()) {
            BrowserIT.run("moderation.test.mjs", Map.of("SORI_URL", server.page().toString()), server::output);
        }
        assertThat(screenshot).as("the screenshot the moderation browser test saves").isNotEmptyFile();
    }
}
