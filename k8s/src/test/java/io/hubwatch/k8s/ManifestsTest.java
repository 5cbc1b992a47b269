package io.hubwatch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest under k8s/, validated as the API server (strict field validation) and the operators would: built-in
 * kinds against the Kubernetes schema of the version in README.md, custom resources against the CRD schemas extracted
 * from the operator releases named there (k8s/schemas), FlinkDeployments against the Flink Kubernetes Operator's own
 * validation rules; and the references between them (Secrets, ConfigMaps, service accounts) resolve.
 */
class ManifestsTest {
    private static final Path ROOT = Path.of(".");
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, Class<?>> BUILT_IN = Map.of(
            "v1/Namespace", Namespace.class, "v1/ConfigMap", ConfigMap.class, "v1/Secret", Secret.class,
            "v1/Service", Service.class, "v1/ServiceAccount", ServiceAccount.class,
            "apps/v1/Deployment", Deployment.class, "apps/v1/StatefulSet", StatefulSet.class,
            "apps/v1/DaemonSet", DaemonSet.class,
            "rbac.authorization.k8s.io/v1/Role", Role.class, "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class);
    private static final Map<String, String> CUSTOM = Map.of(
            "flink.apache.org/v1beta1/FlinkDeployment", "flinkdeployment-v1beta1.json",
            "kafka.strimzi.io/v1/Kafka", "kafka-v1.json",
            "kafka.strimzi.io/v1/KafkaTopic", "kafkatopic-v1.json",
            "kafka.strimzi.io/v1/KafkaNodePool", "kafkanodepool-v1.json");

    record Manifest(Path file, int index, JsonNode doc) {
        String type() {
            return doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        }

        String where() {
            return file + " #" + index + " " + doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
        }
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(p -> p.toString().endsWith(".yaml") && !p.startsWith(ROOT.resolve("target"))
                            && !p.startsWith(ROOT.resolve("src")) && !p.getFileName().toString().equals("kustomization.yaml"))
                    .map(ROOT::relativize).sorted().toList();
        }
    }

    static List<Manifest> manifests() throws IOException {
        List<Manifest> all = new ArrayList<>();
        for (Path f : files()) {
            try (var parser = new YAMLFactory().createParser(f.toFile())) {
                Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
                int i = 0;
                while (docs.hasNext()) {
                    JsonNode d = docs.next();
                    if (d != null && !d.isEmpty()) {
                        all.add(new Manifest(f, i++, d));
                    }
                }
            }
        }
        return all;
    }

    private final Map<String, JsonSchema> schemas = new HashMap<>();

    /** What strict validation would refuse in this manifest. */
    List<String> problems(Manifest m) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        List<String> problems = new ArrayList<>();
        {
            JsonSchema schema = schemas.computeIfAbsent(m.type(), type -> {
                if (BUILT_IN.containsKey(type)) {
                    return factory.getSchema(ModelSchemas.of(BUILT_IN.get(type)));
                }
                if (CUSTOM.containsKey(type)) {
                    return factory.getSchema(crdSchema(CUSTOM.get(type)));
                }
                return null;
            });
            if (schema == null) {
                return List.of(m.where() + ": no schema for " + m.type());
            }
            for (ValidationMessage v : schema.validate(m.doc())) {
                problems.add(m.where() + ": " + v.getMessage());
            }
        }
        return problems;
    }

    @Test
    void everyManifestMatchesTheSchemaOfItsKind() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> kinds = new TreeSet<>();
        for (Manifest m : manifests()) {
            kinds.add(m.type());
            problems.addAll(problems(m));
            if (!m.type().endsWith("/Namespace") && !"hubwatch".equals(m.doc().at("/metadata/namespace").asText())) {
                problems.add(m.where() + ": not in the hubwatch namespace");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(kinds).contains("apps/v1/DaemonSet", "flink.apache.org/v1beta1/FlinkDeployment",
                "kafka.strimzi.io/v1/Kafka", "kafka.strimzi.io/v1/KafkaTopic");
    }

    /** A CRD's schema, closed: the API server would drop an unknown field silently; strict validation refuses it. */
    private static JsonNode crdSchema(String file) {
        try (InputStream in = Files.newInputStream(ROOT.resolve("schemas").resolve(file))) {
            ObjectNode schema = (ObjectNode) JSON.readTree(in);
            // the object's envelope, which some CRDs leave out of their schema
            ObjectNode props = schema.with("properties");
            props.putIfAbsent("apiVersion", JSON.createObjectNode().put("type", "string"));
            props.putIfAbsent("kind", JSON.createObjectNode().put("type", "string"));
            props.putIfAbsent("metadata", JSON.createObjectNode().put("type", "object"));
            close(schema);
            schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            return schema;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void close(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("properties") && !o.has("additionalProperties") && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                o.put("additionalProperties", false);
            }
            o.forEach(ManifestsTest::close);
        } else if (node.isArray()) {
            node.forEach(ManifestsTest::close);
        }
    }

    @Test
    void theValidationRefusesUnknownFieldsAndWrongTypes() throws Exception {
        JsonNode deployment = YAML.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x, namespace: hubwatch}
                spec:
                  replica: 2
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}, annotations: {prometheus.io/port: 9249}}
                    spec:
                      containers: [{name: x, image: x, ports: [{containerPort: http}]}]
                """);
        JsonNode job = YAML.readTree("""
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: x, namespace: hubwatch}
                spec: {flinkVersion: v2_2, job: {upgradeMode: savepint, jarURI: local:///x.jar}, jobmanager: {}}
                """);
        assertThat(problems(new Manifest(Path.of("d.yaml"), 0, deployment))).hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("replica"))
                .anySatisfy(p -> assertThat(p).contains("prometheus.io/port"))
                .anySatisfy(p -> assertThat(p).contains("containerPort"));
        assertThat(problems(new Manifest(Path.of("j.yaml"), 0, job)))
                .anySatisfy(p -> assertThat(p).contains("upgradeMode"))
                .anySatisfy(p -> assertThat(p).contains("jobmanager"));
    }

    /**
     * The jobs set their checkpoint interval in code ({@code --checkpoint-interval}), which takes precedence over the
     * cluster configuration: an interval in {@code flinkConfiguration} would say one thing while the job did another
     * (the alert job's manifest said 10 s while the job checkpointed every 200 ms).
     */
    @Test
    void everyJobsCheckpointIntervalIsGivenAsItsOwnOptionNotAsDeadClusterConfiguration() throws Exception {
        List<Manifest> jobs = manifests().stream().filter(m -> m.type().endsWith("/FlinkDeployment")).toList();
        assertThat(jobs).isNotEmpty();
        for (Manifest m : jobs) {
            assertThat(m.doc().at("/spec/flinkConfiguration").has("execution.checkpointing.interval"))
                    .as(m.where() + " sets execution.checkpointing.interval, which the job overrides").isFalse();
            List<String> args = new java.util.ArrayList<>();
            m.doc().at("/spec/job/args").forEach(a -> args.add(a.asText()));
            int at = args.indexOf("--checkpoint-interval");
            assertThat(at).as(m.where() + " args give --checkpoint-interval").isNotNegative();
            assertThat(args.get(at + 1)).as(m.where() + " --checkpoint-interval").matches("\\d+(ms|s|m)");
        }
    }

    @Test
    void everyFlinkDeploymentPassesTheOperatorsValidation() throws Exception {
        // the rules of the Flink Kubernetes Operator's DefaultValidator (release 1.13.0) that these resources touch
        Pattern name = Pattern.compile("[a-z]([-a-z\\d]{0,43}[a-z\\d])?");
        Set<String> versions = Set.of("v1_20", "v2_0", "v2_1", "v2_2");
        List<Manifest> jobs = manifests().stream().filter(m -> m.type().endsWith("/FlinkDeployment")).toList();
        assertThat(jobs).extracting(m -> m.doc().at("/spec/job/entryClass").asText()).containsExactlyInAnyOrder(
                "io.hubwatch.jobs.alerting.AlertJob", "io.hubwatch.jobs.anomaly.AnomalyJob",
                "io.hubwatch.jobs.stats.BusinessStatsJob");
        for (Manifest m : jobs) {
            JsonNode spec = m.doc().path("spec");
            JsonNode conf = spec.path("flinkConfiguration");
            String upgrade = spec.at("/job/upgradeMode").asText("stateless");
            assertThat(m.doc().at("/metadata/name").asText()).as(m.where() + " name").matches(name);
            assertThat(versions).as(m.where() + " flinkVersion").contains(spec.path("flinkVersion").asText());
            assertThat(spec.path("serviceAccount").asText()).as(m.where() + " serviceAccount").isNotEmpty();
            assertThat(spec.at("/jobManager/resource/memory").asText()).as(m.where() + " JM memory").isNotEmpty();
            assertThat(spec.at("/taskManager/resource/memory").asText()).as(m.where() + " TM memory").isNotEmpty();
            assertThat(spec.at("/jobManager/replicas").asInt(1)).as(m.where() + " JM replicas").isPositive();
            assertThat(spec.at("/job/parallelism").asInt(1)).as(m.where() + " parallelism").isPositive();
            assertThat(conf.has("kubernetes.namespace") || conf.has("kubernetes.cluster-id"))
                    .as(m.where() + " forbidden keys").isFalse();
            if (upgrade.equals("savepoint") || upgrade.equals("last-state")) {
                assertThat(conf.path("execution.checkpointing.dir").asText()).as(m.where() + " checkpoint dir").isNotEmpty();
            }
            if (upgrade.equals("savepoint")) {
                assertThat(conf.path("execution.checkpointing.savepoint-dir").asText()).as(m.where() + " savepoint dir").isNotEmpty();
            }
            // beyond the validator: HA on, and the checkpoint storage's file system plugin enabled
            assertThat(conf.path("high-availability.type").asText()).as(m.where() + " HA").isEqualTo("kubernetes");
            assertThat(conf.path("high-availability.storageDir").asText()).as(m.where() + " HA dir").isNotEmpty();
            String scheme = conf.path("execution.checkpointing.dir").asText().replaceFirst(":.*", "");
            if (!scheme.equals("file")) {
                String plugins = "";
                for (JsonNode c : spec.at("/podTemplate/spec/containers")) {
                    for (JsonNode e : c.path("env")) {
                        if (e.path("name").asText().equals("ENABLE_BUILT_IN_PLUGINS")) {
                            plugins = e.path("value").asText();
                        }
                    }
                }
                assertThat(plugins).as(m.where() + " file system plugin for " + scheme).contains("flink-" + scheme + "-fs-");
            }
        }
    }

    @Test
    void everyWorkloadHasProbesAndResourceRequests() throws Exception {
        for (Manifest m : manifests()) {
            if (!Set.of("Deployment", "StatefulSet", "DaemonSet").contains(m.doc().path("kind").asText())) {
                continue;
            }
            for (JsonNode c : m.doc().at("/spec/template/spec/containers")) {
                String where = m.where() + " container " + c.path("name").asText();
                assertThat(c.has("readinessProbe")).as(where + " readinessProbe").isTrue();
                assertThat(c.has("livenessProbe")).as(where + " livenessProbe").isTrue();
                assertThat(c.at("/resources/requests/cpu").isMissingNode()).as(where + " cpu request").isFalse();
                assertThat(c.at("/resources/requests/memory").isMissingNode()).as(where + " memory request").isFalse();
                assertThat(c.at("/resources/limits/memory").isMissingNode()).as(where + " memory limit").isFalse();
            }
        }
    }

    @Test
    void everySecretConfigMapAndServiceAccountReferencedIsDefined() throws Exception {
        List<Manifest> all = manifests();
        Set<String> defined = new TreeSet<>();
        for (Manifest m : all) {
            defined.add(m.doc().path("kind").asText() + "/" + m.doc().at("/metadata/name").asText());
        }
        Set<String> referenced = new TreeSet<>();
        for (Manifest m : all) {
            m.doc().findValues("secretKeyRef").forEach(r -> referenced.add("Secret/" + r.path("name").asText()));
            m.doc().findValues("secret").forEach(r -> referenced.add("Secret/" + r.path("secretName").asText()));
            m.doc().findValues("configMap").forEach(r -> referenced.add("ConfigMap/" + r.path("name").asText()));
            m.doc().findValues("serviceAccountName").forEach(r -> referenced.add("ServiceAccount/" + r.asText()));
            if (m.type().endsWith("/FlinkDeployment")) {
                referenced.add("ServiceAccount/" + m.doc().at("/spec/serviceAccount").asText());
            }
        }
        assertThat(defined).containsAll(referenced);
    }

    @Test
    void theKustomizationListsEveryManifest() throws Exception {
        JsonNode k = YAML.readTree(ROOT.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        k.path("resources").forEach(r -> listed.add(r.asText()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(files().stream().map(Path::toString).toList());
    }

    @Test
    void theRulesConfigMapHoldsTheDefaultRules() throws Exception {
        JsonNode cm = YAML.readTree(ROOT.resolve("rules-configmap.yaml").toFile());
        String defaults;
        try (InputStream in = io.hubwatch.rules.RuleSet.class.getResourceAsStream(io.hubwatch.rules.RuleSet.DEFAULT_RESOURCE)) {
            defaults = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(cm.at("/data/rules.yaml").asText().strip()).isEqualTo(defaults.strip());
        assertThat(io.hubwatch.rules.RuleFiles.parse(cm.at("/data/rules.yaml").asText(), "rules-configmap.yaml").rules())
                .hasSameSizeAs(io.hubwatch.rules.RuleSet.defaults().rules());
    }

    @Test
    void theDashboardsConfigMapHoldsTheShippedDashboards() throws Exception {
        JsonNode cm = YAML.readTree(ROOT.resolve("grafana-dashboards.yaml").toFile());
        List<Path> shipped;
        try (var files = java.nio.file.Files.list(Path.of("..", "dashboards", "grafana"))) {
            shipped = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(shipped).isNotEmpty();
        List<String> keys = new ArrayList<>();
        cm.path("data").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("regenerate: python3 k8s/grafana-dashboards.py > k8s/grafana-dashboards.yaml")
                .containsExactlyElementsOf(shipped.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : shipped) {
            assertThat(cm.path("data").path(file.getFileName().toString()).asText().strip())
                    .as("%s differs from its copy in grafana-dashboards.yaml", file)
                    .isEqualTo(java.nio.file.Files.readString(file).strip());
        }
    }
}
