package io.pushgate.tenant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.RestController;

/**
 * tenant-service's layout as STYLE.md has it: features ({@code io.pushgate.tenant.<feature>}) that
 * use each other without cycles; a type public only where another package uses it; a web surface
 * named {@code *Endpoints} that leaves the SQL to its store (a plural noun: {@code Configurations},
 * {@code Credentials}, …) and takes the {@code Caller} as an argument instead of reading the token.
 */
class PackageStructureTests {

    private static final String TENANT = "io.pushgate.tenant";

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(TENANT);

    @Test
    void featuresDependOnEachOtherWithoutCycles() {
        slices().matching(TENANT + ".(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    /** The application class is the exception: the launchers outside this module start it. */
    @Test
    void aTypeIsPublicOnlyWhereAnotherPackageUsesIt() {
        classes()
                .that()
                .arePublic()
                .and()
                .doNotHaveFullyQualifiedName(TenantServiceApplication.class.getName())
                .should(beUsedFromAnotherPackage())
                .check(MAIN_CLASSES);
    }

    @Test
    void aWebSurfaceIsNamedEndpoints() {
        classes()
                .that()
                .areAnnotatedWith(RestController.class)
                .should()
                .haveSimpleNameEndingWith("Endpoints")
                .check(MAIN_CLASSES);
        classes()
                .that()
                .haveSimpleNameEndingWith("Endpoints")
                .should()
                .beAnnotatedWith(RestController.class)
                .check(MAIN_CLASSES);
    }

    @Test
    void endpointsLeaveTheSqlToTheirStores() {
        noClasses()
                .that()
                .areAnnotatedWith(RestController.class)
                .should()
                .dependOnClassesThat()
                .areAssignableTo(DatabaseClient.class)
                .check(MAIN_CLASSES);
    }

    @Test
    void onlyTheCallerResolverAndTheSecurityChainReadTheToken() {
        noClasses()
                .that()
                .resideOutsideOfPackages(TENANT + ".platform", TENANT + ".security")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(Jwt.class)
                .check(MAIN_CLASSES);
    }

    private static ArchCondition<JavaClass> beUsedFromAnotherPackage() {
        return new ArchCondition<>("be used from another package") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean used = type.getDirectDependenciesToSelf().stream()
                        .anyMatch(dependency ->
                                !dependency.getOriginClass().getPackageName().equals(type.getPackageName()));
                if (!used) {
                    events.add(SimpleConditionEvent.violated(
                            type,
                            type.getName() + " is public, but no other package uses it: make it package-private"));
                }
            }
        };
    }
}
