package dev.sori.it;

import dev.sori.testing.MediaCases;
import dev.sori.testing.ServerProcess;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Images end to end on server.jar with its embedded database: uploaded over HTTP with the
 * identity's token, posted over the WebSocket, received by another member, fetched with the
 * headers that keep a browser from running anything; in history and recovery; kept once per
 * content; JPEG location removed; and every refusal with its status and code, the connection and
 * the others unaffected. The cases are {@link MediaCases}, which the WAR runs on each server too.
 */
class MediaIT {
    private static final long DEFAULT_MAX_UPLOAD_BYTES = 5L * 1024 * 1024;

    private static ServerProcess server;
    private static MediaCases cases;

    @BeforeAll
    static void start() {
        server = ServerProcess.startUnlimited("--uploads-per-minute", "0");
        cases = new MediaCases(server.page(), server.chat(), server.dataDir());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachFormatIsUploadedPostedReceivedAndServedAsTheImageItIs() {
        cases.eachFormatIsUploadedPostedReceivedAndServedAsTheImageItIs();
    }

    @Test
    void aCachedImageIsNotSentAgainAndALargeOneComesInParts() {
        cases.aCachedImageIsNotSentAgainAndALargeOneComesInParts();
    }

    @Test
    void unknownIdsAreNotFoundAndRevealNothing() {
        cases.unknownIdsAreNotFoundAndRevealNothing();
    }

    @Test
    void historyAndRecoveryCarryTheMedia() {
        cases.historyAndRecoveryCarryTheMedia();
    }

    @Test
    void theSameFileUploadedTwiceIsKeptOnceAndAFormUploadWorksToo() throws IOException {
        cases.theSameFileUploadedTwiceIsKeptOnceAndAFormUploadWorksToo();
    }

    @Test
    void aPhotosLocationNeverReachesTheOthers() {
        cases.aPhotosLocationNeverReachesTheOthers();
    }

    @Test
    void everyRefusalHasItsStatusAndCodeAndTheChatGoesOn() {
        cases.everyRefusalHasItsStatusAndCodeAndTheChatGoesOn();
    }

    @Test
    void anUploadOverTheLimitIsCutWhereTheLimitIsAndTheServerReadsNoFurther() throws IOException {
        cases.anUploadOverTheLimitIsCutWhereTheLimitIsAndTheServerReadsNoFurther(DEFAULT_MAX_UPLOAD_BYTES,
                16 * DEFAULT_MAX_UPLOAD_BYTES);
    }

    @Test
    void tooManyUploadsAreRefusedWithWhenToTryAgain() {
        try (ServerProcess limited = ServerProcess.startUnlimited("--uploads-per-minute", "3")) {
            new MediaCases(limited.page(), limited.chat(), limited.dataDir()).tooManyUploadsAreRefusedWithWhenToTryAgain(3);
        }
    }
}
