package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's images as two people see them in Chromium: {@code src/test/browser/media.test.mjs}
 * attaches a PNG with the picker, pastes a JPEG, drops a WebP and picks an animated GIF in one
 * page, with the upload's progress bar seen while the upload is held; the other page gets each
 * image with its box sized before it loads (the bubble's height is the same before and after the
 * image arrives), opens the viewer with Enter and closes it with Escape, focus returning to the
 * image; a file over the limit and a file that is not an image are refused in words without a
 * request, the draft kept; after a reload history brings the images back at the same size.
 *
 * <p>Chromium and playwright-core as for {@link BrowserIT}: a failure when missing, only
 * {@code -DskipBrowserTests} skips it.
 */
class MediaBrowserIT {
    @Test
    void imagesGoByPickerPasteAndDropAndArriveWithoutMovingTheTimeline() throws Exception {
        Path screenshot = BrowserIT.prepare("browser-media.png");
        try (ServerProcess server = ServerProcess.start()) {
            BrowserIT.run("media.test.mjs", Map.of("SORI_URL", server.page().toString()), server::output);
        }
        assertThat(screenshot).as("the screenshot the media browser test saves").isNotEmptyFile();
    }
}
