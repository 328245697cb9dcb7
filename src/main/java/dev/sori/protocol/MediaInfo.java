package dev.sori.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The {@code media} object of a message (and the answer to an upload): an image's id, detected
 * type, size in pixels and bytes, and {@code url}, where to fetch it, relative to the page.
 */
@JsonbPropertyOrder({"id", "type", "width", "height", "bytes", "url"})
public record MediaInfo(String id, String type, int width, int height, long bytes, String url) {

    /** The path of media {@code id} relative to the page (so it works under a WAR's context path). */
    public static String url(String id) {
        return "media/" + id;
    }
}
