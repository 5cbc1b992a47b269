package io.hubwatch.launcher.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackTest {

    @Test
    void freshDiscardsWhatARestartResumesFromAndKeepsKeysAndLogs(@TempDir Path home) throws Exception {
        Path state = UpSettings.defaults(home).stateDirectory();
        for (String kept : new String[] {"kafka/data/meta.properties", "flink/hubwatch-alert-job/savepoints/s-1/_metadata",
                "notifier/sent.json", "ingest-key", "beacon-key", "logs/hubwatch.log"}) {
            Files.createDirectories(state.resolve(kept).getParent());
            Files.writeString(state.resolve(kept), "x");
        }

        LocalStack.discardKeptState(state);

        assertThat(state.resolve("kafka")).doesNotExist();
        assertThat(state.resolve("flink")).doesNotExist();
        assertThat(state.resolve("notifier")).doesNotExist();
        assertThat(state.resolve("ingest-key")).exists();
        assertThat(state.resolve("beacon-key")).exists();
        assertThat(state.resolve("logs/hubwatch.log")).exists();
    }

    @Test
    void theAnomalyJobWritesWhereTheAlertJobReadsAndCheckpointsEverySecondAfterPrimingFromAnHour() {
        var anomaly = LocalStack.anomalyConfig("127.0.0.1:9092");
        var alert = io.hubwatch.jobs.alerting.AlertJobConfig.defaults("127.0.0.1:9092");

        assertThat(anomaly.incidentsTopic()).isEqualTo(alert.anomalyIncidentsTopic()).isEqualTo("anomaly-incidents")
                .isNotEqualTo(alert.incidentsTopic());
        assertThat(anomaly.metricsTopic()).isEqualTo(alert.metricsTopic());
        assertThat(anomaly.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(anomaly.primeFrom()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void settingsDefaultToLoopbackAndRefuseEmptyAddresses(@TempDir Path home) {
        UpSettings defaults = UpSettings.defaults(home);
        assertThat(defaults.bind()).isEqualTo("127.0.0.1");
        assertThat(defaults.kafkaBind()).isEqualTo("127.0.0.1");
        assertThat(defaults.fresh()).isFalse();
        assertThat(defaults.stateDirectory()).isEqualTo(home.resolve(".hubwatch"));
        assertThatThrownBy(() -> defaults.withBind(" ", "127.0.0.1")).hasMessageContaining("bind addresses");
        assertThatThrownBy(() -> defaults.withIngestPort(70_000)).hasMessageContaining("70000");
    }

    @Test
    void anExposingOptionComesWithAWarningSayingWhatHasNoAuthentication(@TempDir Path home) {
        assertThat(LocalStack.exposureWarnings(UpSettings.defaults(home))).isEmpty();
        assertThat(LocalStack.exposureWarnings(UpSettings.defaults(home).withBind("0.0.0.0", "127.0.0.1")))
                .singleElement().asString().contains("--bind 0.0.0.0", "no authentication");
        assertThat(LocalStack.exposureWarnings(UpSettings.defaults(home).withBind("127.0.0.1", "0.0.0.0")))
                .singleElement().asString().contains("--kafka-bind 0.0.0.0", "Kafka has NO authentication");
        assertThat(LocalStack.exposureWarnings(UpSettings.defaults(home).withBind("127.0.0.1", "0.0.0.0")
                .withKafka("kafka:9092"))).as("no embedded broker, nothing exposed by up").isEmpty();
    }

    @Test
    void aFlinkClusterIsHostAndPortAndABuiltJobJar(@TempDir Path home) throws Exception {
        Path jar = Files.writeString(home.resolve("job.jar"), "x");
        UpSettings.FlinkCluster cluster = new UpSettings.FlinkCluster("flink.example:8081", jar);
        assertThat(cluster.host()).isEqualTo("flink.example");
        assertThat(cluster.port()).isEqualTo(8081);
        assertThatThrownBy(() -> new UpSettings.FlinkCluster("flink.example", jar))
                .hasMessageContaining("--flink must be HOST:PORT").hasMessageContaining("'flink.example'");
        assertThatThrownBy(() -> new UpSettings.FlinkCluster("flink.example:0", jar)).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> new UpSettings.FlinkCluster("127.0.0.1:8081", home.resolve("missing.jar")))
                .hasMessageContaining("no job jar at").hasMessageContaining("mvn -pl flink-jobs -am package");
    }

    @Test
    void aClusterOnAnotherMachineIsWarnedThatItCannotReachTheEmbeddedBrokerOnLoopback(@TempDir Path home) throws Exception {
        Path jar = Files.writeString(home.resolve("job.jar"), "x");
        UpSettings remote = UpSettings.defaults(home).withFlinkCluster(new UpSettings.FlinkCluster("10.1.2.3:8081", jar));
        assertThat(LocalStack.exposureWarnings(remote)).singleElement().asString()
                .contains("--flink 10.1.2.3:8081", "127.0.0.1", "--kafka");
        assertThat(LocalStack.exposureWarnings(remote.withKafka("kafka:9092"))).isEmpty();
        assertThat(LocalStack.exposureWarnings(UpSettings.defaults(home)
                .withFlinkCluster(new UpSettings.FlinkCluster("127.0.0.1:8081", jar)))).isEmpty();
    }
}
