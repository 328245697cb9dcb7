package dev.sori.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.RequestContext;

/**
 * The one part of a {@code multipart/form-data} body that holds the file, read as it arrives with
 * Commons FileUpload's streaming iterator (nothing is parsed ahead or kept on disk by it; parts
 * before the file are skipped as they stream past).
 */
final class FormPart {
    static final String FIELD = "file";

    private FormPart() {
    }

    static boolean isFormData(String contentType) {
        return contentType != null
                && contentType.strip().toLowerCase(Locale.ROOT).startsWith(AbstractFileUpload.MULTIPART_FORM_DATA);
    }

    /**
     * The stream of the part named {@value #FIELD}: read it before touching {@code body} again.
     *
     * @throws MediaRefusal 400 when the body is not well-formed multipart or has no such part
     * @throws IOException  from the body itself (a {@link CappedInputStream.OverCap} among them)
     */
    static InputStream open(InputStream body, String contentType) throws MediaRefusal, IOException {
        try {
            FileItemInputIterator items = new StreamingUpload().getItemIterator(new Body(body, contentType));
            while (items.hasNext()) {
                FileItemInput item = items.next();
                if (FIELD.equals(item.getFieldName())) {
                    return item.getInputStream();
                }
            }
        } catch (FileUploadException e) {
            if (CappedInputStream.isOverCap(e)) {
                throw e;
            }
            throw MediaRefusal.invalid("the multipart/form-data body is malformed");
        }
        throw MediaRefusal.invalid("the multipart/form-data body has no part named \"" + FIELD + "\"");
    }

    /** FileUpload's request, without servlet types: the body and its Content-Type, length unknown. */
    private record Body(InputStream body, String contentType) implements RequestContext {
        @Override
        public String getCharacterEncoding() {
            return StandardCharsets.UTF_8.name();
        }

        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public InputStream getInputStream() {
            return body;
        }

        @Override
        public boolean isMultipartRelated() {
            return false;
        }
    }

    /** Only the streaming iterator is used; the list-building parse methods are not. */
    private static final class StreamingUpload
            extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {
        @Override
        public FileItemInputIterator getItemIterator(RequestContext request) throws IOException {
            return super.getItemIterator(request);
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) {
            throw new UnsupportedOperationException("uploads are streamed");
        }

        @Override
        public List<DiskFileItem> parseRequest(RequestContext request) {
            throw new UnsupportedOperationException("uploads are streamed");
        }
    }
}
