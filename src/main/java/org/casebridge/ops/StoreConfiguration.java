package org.casebridge.ops;

import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;
import org.casebridge.store.RawArchive;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** The two byte stores: attachments (referenced by cases) and the raw archive of untouched originals. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean
    AttachmentStore attachmentStore(CasebridgeProperties properties) {
        Path dir = properties.getStore().getAttachmentsDir();
        return new AttachmentStore(new BlobStore("attachments",
                dir != null ? dir : properties.getDataDir().resolve("attachments"), properties.getStore().isFsync()));
    }

    @Bean
    RawArchive rawArchive(CasebridgeProperties properties) {
        Path dir = properties.getStore().getRawDir();
        return new RawArchive(new BlobStore("raw",
                dir != null ? dir : properties.getDataDir().resolve("raw"), properties.getStore().isFsync()));
    }
}
