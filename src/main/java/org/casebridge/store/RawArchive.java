package org.casebridge.store;

import org.apache.camel.Exchange;
import org.casebridge.cases.CaseHeaders;

/** Keeps the untouched original bytes of every inbound message, accepted or rejected ({@code source.rawRef}). */
public class RawArchive {

    private final BlobStore blobs;

    public RawArchive(BlobStore blobs) {
        this.blobs = blobs;
    }

    public BlobStore.Stored put(byte[] bytes) {
        return blobs.put(bytes);
    }

    public byte[] get(String ref) {
        return blobs.get(ref);
    }

    /** Route step: archives the message body as it arrived and sets {@link CaseHeaders#RAW_REF}. */
    public void archive(Exchange exchange) {
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        if (bytes == null) {
            bytes = new byte[0];
        }
        BlobStore.Stored stored = blobs.put(bytes);
        exchange.getMessage().setHeader(CaseHeaders.RAW_REF, stored.ref());
        exchange.getMessage().setBody(bytes);
    }
}
