package org.casebridge.store;

/** Where attachment bytes live; cases carry only the {@code ref} and {@code sha256} this store hands out. */
public class AttachmentStore {

    private final BlobStore blobs;

    public AttachmentStore(BlobStore blobs) {
        this.blobs = blobs;
    }

    public BlobStore.Stored put(byte[] bytes) {
        return blobs.put(bytes);
    }

    public byte[] get(String ref) {
        return blobs.get(ref);
    }

    /** The file behind {@code ref}, for serving it without reading it into memory; refuses references outside the store. */
    public java.nio.file.Path file(String ref) {
        return blobs.resolve(ref);
    }
}
