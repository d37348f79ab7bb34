package org.casebridge;

import org.springframework.modulith.core.ApplicationModuleDetectionStrategy;
import org.springframework.modulith.core.JavaPackage;

import java.util.stream.Stream;

/**
 * Where casebridge's modules start: every direct sub-package of {@code org.casebridge}, except that {@code channel}
 * is no module of its own but a folder of them, one per platform ({@code channel.email}, {@code channel.whatsapp}…).
 * Registered for Spring Modulith in {@code META-INF/spring.factories}.
 */
public class ModuleDetection implements ApplicationModuleDetectionStrategy {

    static final String CHANNELS = "channel";

    @Override
    public Stream<JavaPackage> getModuleBasePackages(JavaPackage rootPackage) {
        return rootPackage.getDirectSubPackages().stream()
                .flatMap(p -> CHANNELS.equals(p.getLocalName()) ? p.getDirectSubPackages().stream() : Stream.of(p));
    }
}
