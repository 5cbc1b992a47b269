package io.hubwatch.collector.tracking;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parts people embed in their own services and pages are Apache-2.0 and stay so only while they link nothing
 * GPL: each declares the licence, ships its text, and depends (outside tests) on no Hubwatch module but {@code events}.
 */
class LicenceBoundaryTest {
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>(.*?)</dependency>", Pattern.DOTALL);

    @Test
    void theEmbeddedModulesAreApacheLicensedAndLinkNothingGpl() throws Exception {
        for (String module : List.of("events", "tracking-client", "beacon")) {
            Path dir = Path.of("..", module);
            String pom = Files.readString(dir.resolve("pom.xml"));
            assertThat(pom).as(module + " POM licence").contains("<name>Apache License, Version 2.0</name>");
            assertThat(Files.readString(dir.resolve("LICENSE")).strip()).as(module + " LICENSE").startsWith("Apache License");
            Matcher m = DEPENDENCY.matcher(pom);
            while (m.find()) {
                boolean testOnly = m.group(3).contains("<scope>test</scope>");
                if (m.group(1).equals("io.hubwatch") && !testOnly) {
                    assertThat(m.group(2)).as(module + " links a Hubwatch module").isEqualTo("events");
                }
                assertThat(m.group(2)).as(module + " dependency").isNotIn("smile-core", "smile-base");
            }
        }
    }
}
