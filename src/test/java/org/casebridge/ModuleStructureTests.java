package org.casebridge;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module structure the build keeps: modules are the capabilities under {@code org.casebridge} and one per
 * platform under {@code channel} ({@link ModuleDetection}); no cycle between them, no reaching into another's
 * sub-packages, and no channel depends on another channel, except on {@code channel.chat}, the shared channel SPI
 * and pipeline ({@code ChatPlatform}, webhook signatures, receipts) every chat platform implements. Outbound, every
 * channel implements {@code replies.ReplySender}, the published SPI of {@code replies}, which depends on no channel.
 */
class ModuleStructureTests {

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersPublishedTypes() {
        ApplicationModules.of(CasebridgeApplication.class).verify();
    }

    @Test
    void noChannelDependsOnAnotherChannel() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.casebridge");
        slices().matching("org.casebridge.channel.(*)..").namingSlices("channel.$1")
                .should().notDependOnEachOther()
                .ignoreDependency(DescribedPredicate.alwaysTrue(), resideInAPackage("org.casebridge.channel.chat.."))
                .check(classes);
    }
}
