package io.hubwatch.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A rule's labels and annotations end up in incidents, PostgreSQL and notifications: the rule parser (used by rule
 * files, the API and the jobs alike) refuses there what the event types refuse, naming the field.
 */
class RuleTextTest {

    private static List<String> problemsOf(String labelsAndAnnotations) {
        String json = "{\"id\": \"r1\", \"metric\": \"cpu_usage\", \"op\": \">\", \"threshold\": 80, \"severity\": \"info\", "
                + labelsAndAnnotations + "}";
        RuleFileException e = catchThrowableOfType(RuleFileException.class, () -> RuleFiles.parseRule(json, "test"));
        return e == null ? List.of() : e.problems();
    }

    @Test
    void aNulOrATenKilobyteLabelValueIsRefusedNamingTheLabel() {
        assertThat(problemsOf("\"labels\": {\"team\": \"a\\u0000b\"}")).singleElement().asString()
                .startsWith("field 'labels.team' contains a NUL character (U+0000)");
        assertThat(problemsOf("\"labels\": {\"team\": \"" + "x".repeat(10 * 1024) + "\"}")).containsExactly(
                "field 'labels.team' is 10240 characters long; the limit is 1024");
        assertThat(problemsOf("\"labels\": {\"team\": \"a\\r\\nb\"}")).singleElement().asString()
                .contains("the control character U+000D");
    }

    @Test
    void annotationsMaySpanLinesButCarryNoOtherControlCharacters() {
        assertThat(problemsOf("\"annotations\": {\"description\": \"line one\\nline two\\tand a tab\"}")).isEmpty();
        assertThat(problemsOf("\"annotations\": {\"summary\": \"a\\r\\nBcc: x\"}")).singleElement().asString()
                .startsWith("field 'annotations.summary' contains the control character U+000D");
        assertThat(problemsOf("\"annotations\": {\"summary\": \"nul\\u0000\"}")).singleElement().asString()
                .startsWith("field 'annotations.summary' contains a NUL character");
    }
}
