package io.hubwatch.notify.internal;

import io.hubwatch.events.Incident;
import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.receiver.Integrations;
import io.hubwatch.notify.receiver.Notification;
import io.hubwatch.notify.routing.Route;
import io.hubwatch.notify.support.Incidents;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The grouping state machine, driven with explicit clock values (no sleeping). */
class DispatcherTest {
    private static final Instant T0 = Instant.parse("2026-11-26T03:00:00Z");
    private static final TopicPartition TP = new TopicPartition("incidents", 0);

    private final NotifierConfig config = NotifierConfig.parse("""
            route:
              receiver: ops
              group_by: [alertname]
              group_wait: 30s
              group_interval: 5m
              repeat_interval: 4h
            receivers:
              - name: ops
                webhook_configs: [{ url: 'https://hooks.example.com/x', send_resolved: true }]
                email_configs: [{ to: a@example.org, from: b@example.org, smarthost: 'smtp.example.org:25' }]
            """, null, k -> null);
    private final List<Long> done = new ArrayList<>();
    private final Dispatcher dispatcher = new Dispatcher(Route.compile(config.route()),
            Integrations.build(config, null), config.externalUrl(), r -> done.add(r.offset()));
    private long offset;

    private void add(Incident incident, Instant at) {
        dispatcher.add(incident, new PendingRecord(TP, offset++), at);
    }

    @Test
    void aGroupResolvedBeforeGroupWaitEndsSendsNothing() {
        Incident f = Incidents.firing("high_cpu", "web-1", T0);
        add(f, T0);
        add(Incidents.resolved(f, T0.plusSeconds(10)), T0.plusSeconds(10));

        List<Dispatcher.FlushJob> jobs = dispatcher.due(T0.plusSeconds(30));
        jobs.forEach(dispatcher::complete);

        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).sends()).isEmpty();
        assertThat(done).containsExactly(0L, 1L);
        assertThat(dispatcher.groupCount()).isZero();
    }

    @Test
    void withGroupWaitZeroTheFirstNotificationIsDueTheMomentItsIncidentIsRead() {
        NotifierConfig zero = NotifierConfig.parse("""
                route: { receiver: ops, group_by: [alertname], group_wait: 0s, group_interval: 1s }
                receivers:
                  - name: ops
                    webhook_configs: [{ url: 'https://hooks.example.com/x', send_resolved: true }]
                """, null, k -> null);
        Dispatcher now = new Dispatcher(Route.compile(zero.route()), Integrations.build(zero, null), zero.externalUrl(),
                r -> { });
        now.add(Incidents.firing("high_cpu", "web-1", T0), new PendingRecord(TP, 0), T0);

        assertThat(now.due(T0)).singleElement().satisfies(job -> assertThat(job.sends()).hasSize(1));
    }

    @Test
    void nothingIsSentBeforeGroupWait() {
        add(Incidents.firing("high_cpu", "web-1", T0), T0);

        assertThat(dispatcher.due(T0.plusSeconds(29))).isEmpty();
    }

    @Test
    void aThousandHostsInOneGroupWaitGiveOneNotificationPerIntegrationListingAll() {
        for (int i = 0; i < 1000; i++) {
            add(Incidents.firing("high_cpu", "host-" + i, T0), T0.plusMillis(i));
        }

        List<Dispatcher.FlushJob> jobs = dispatcher.due(T0.plusSeconds(31));

        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).sends().values()).hasSize(2).allSatisfy(n -> assertThat(n.alerts()).hasSize(1000));
    }

    @Test
    void recordsAreDoneOnlyWhenTheirGroupCompletes() {
        add(Incidents.firing("high_cpu", "web-1", T0), T0);
        List<Dispatcher.FlushJob> jobs = dispatcher.due(T0.plusSeconds(30));

        assertThat(done).isEmpty();
        dispatcher.complete(jobs.get(0));
        assertThat(done).containsExactly(0L);
    }

    @Test
    void theResolutionGoesOnlyToIntegrationsWithSendResolved() {
        Incident f = Incidents.firing("high_cpu", "web-1", T0);
        add(f, T0);
        dispatcher.due(T0.plusSeconds(30)).forEach(dispatcher::complete);
        add(Incidents.resolved(f, T0.plusSeconds(60)), T0.plusSeconds(60));

        List<Dispatcher.FlushJob> jobs = dispatcher.due(T0.plusSeconds(30 + 300));

        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).sends().keySet()).extracting(i -> i.name()).containsExactly("webhook[0]");
        assertThat(jobs.get(0).sends().values()).extracting(Notification::status).extracting(s -> s.wireName())
                .containsExactly("resolved");
    }

    @Test
    void aSilencedIncidentIsNotSentAndItsRecordIsDoneAtOnce() {
        add(Incidents.firing("high_cpu", "web-1", T0, Map.of("hubwatch_silenced_by", "maintenance-42")), T0);

        assertThat(done).containsExactly(0L);
        assertThat(dispatcher.due(T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void theSameContentGetsTheSameIdempotencyKeyAfterARestart() {
        Incident f = Incidents.firing("high_cpu", "web-1", T0);
        add(f, T0);
        String first = dispatcher.due(T0.plusSeconds(30)).get(0).sends().values().iterator().next().idempotencyKey();
        Dispatcher restarted = new Dispatcher(Route.compile(config.route()), Integrations.build(config, null),
                config.externalUrl(), r -> { });
        restarted.add(f, new PendingRecord(TP, 0), T0.plusSeconds(100));

        String second = restarted.due(T0.plusSeconds(130)).get(0).sends().values().iterator().next().idempotencyKey();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void anUnchangedFiringGroupRepeatsOnlyAfterRepeatInterval() {
        add(Incidents.firing("high_cpu", "web-1", T0), T0);
        dispatcher.due(T0.plusSeconds(30)).forEach(dispatcher::complete);

        List<Dispatcher.FlushJob> tick = dispatcher.due(T0.plusSeconds(30 + 300));
        tick.forEach(dispatcher::complete);
        Instant afterRepeat = T0.plusSeconds(30).plus(java.time.Duration.ofHours(4)).plusSeconds(300);
        List<Dispatcher.FlushJob> repeat = dispatcher.due(afterRepeat);

        assertThat(tick.get(0).sends()).isEmpty();
        assertThat(repeat.get(0).sends()).hasSize(2);
    }

    /** high_cpu on web-1 fires at T0 (notified at 30 s) and resolves at 60 s (notified at 330 s); returns the firing. */
    private Incident notifiedFiringThenResolution() {
        Incident f = Incidents.firing("high_cpu", "web-1", T0);
        add(f, T0);
        dispatcher.due(T0.plusSeconds(30)).forEach(dispatcher::complete);
        add(Incidents.resolved(f, T0.plusSeconds(60)), T0.plusSeconds(60));
        dispatcher.due(T0.plusSeconds(330)).forEach(dispatcher::complete);
        return f;
    }

    @Test
    void aFiringWrittenAgainByARestoredJobAfterItsEpisodeResolvedIsNotSentAgain() {
        // read uncommitted, the notifier may deliver a firing and its resolution from a transaction the job then
        // aborts; restored from its checkpoint, the job writes both again with the same ids
        Incident f = notifiedFiringThenResolution();

        add(f, T0.plusSeconds(400));
        add(Incidents.resolved(f, T0.plusSeconds(60)), T0.plusSeconds(401));

        assertThat(dispatcher.nextDue()).isNull();
        assertThat(dispatcher.due(T0.plusSeconds(10_000))).isEmpty();
        assertThat(done).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aFiringRepeatedWhileItsEpisodeStillFiresChangesNothing() {
        Incident f = Incidents.firing("high_cpu", "web-1", T0);
        add(f, T0);
        dispatcher.due(T0.plusSeconds(30)).forEach(dispatcher::complete);

        add(f, T0.plusSeconds(40));
        List<Dispatcher.FlushJob> tick = dispatcher.due(T0.plusSeconds(330));
        tick.forEach(dispatcher::complete);

        assertThat(tick).singleElement().satisfies(job -> assertThat(job.sends()).isEmpty());
        assertThat(done).containsExactly(0L, 1L);
    }

    @Test
    void aNewEpisodeOfAnAlertThatResolvedIsSent() {
        notifiedFiringThenResolution();

        add(Incidents.firing("high_cpu", "web-1", T0.plusSeconds(900)), T0.plusSeconds(900));

        assertThat(dispatcher.due(T0.plusSeconds(930))).singleElement()
                .satisfies(job -> assertThat(job.sends()).hasSize(2));
    }

    @Test
    void nextDueIsTheEarliestFlushOfAGroupNotInFlight() {
        assertThat(dispatcher.nextDue()).isNull();
        add(Incidents.firing("high_cpu", "web-1", T0), T0);
        add(Incidents.firing("disk_full", "web-1", T0.plusSeconds(5)), T0.plusSeconds(5));

        assertThat(dispatcher.nextDue()).isEqualTo(T0.plusSeconds(30));
        List<Dispatcher.FlushJob> first = dispatcher.due(T0.plusSeconds(30));
        assertThat(dispatcher.nextDue()).isEqualTo(T0.plusSeconds(35));
        first.forEach(dispatcher::complete);
        // the first group's next tick is group_interval after its flush began, not after its delivery ended
        assertThat(dispatcher.nextDue()).isEqualTo(T0.plusSeconds(35));
        dispatcher.due(T0.plusSeconds(35)).forEach(dispatcher::complete);
        assertThat(dispatcher.nextDue()).isEqualTo(T0.plusSeconds(30 + 300));
    }

    @Test
    void aChangeReadJustAfterAnIdleTickGoesOutGroupIntervalAfterTheLastNotificationNotAtTheNextTick() {
        Incident f = Incidents.firing("high_cpu", "web-1", T0);
        add(f, T0);
        dispatcher.due(T0.plusSeconds(30)).forEach(dispatcher::complete);          // notified at 30 s
        List<Dispatcher.FlushJob> idle = dispatcher.due(T0.plusSeconds(330));      // group_interval later: nothing new
        idle.forEach(dispatcher::complete);
        assertThat(idle).singleElement().satisfies(job -> assertThat(job.sends()).isEmpty());

        add(Incidents.resolved(f, T0.plusSeconds(331)), T0.plusSeconds(331));

        assertThat(dispatcher.nextDue()).isEqualTo(T0.plusSeconds(331));
        assertThat(dispatcher.due(T0.plusSeconds(331))).singleElement()
                .satisfies(job -> assertThat(job.sends()).hasSize(1));
    }

    @Test
    void aChangeWithinGroupIntervalOfTheLastNotificationWaitsForIt() {
        add(Incidents.firing("high_cpu", "web-1", T0), T0);
        dispatcher.due(T0.plusSeconds(30)).forEach(dispatcher::complete);          // notified at 30 s

        add(Incidents.firing("high_cpu", "web-2", T0.plusSeconds(100)), T0.plusSeconds(100));

        assertThat(dispatcher.nextDue()).isEqualTo(T0.plusSeconds(330));
        assertThat(dispatcher.due(T0.plusSeconds(329))).isEmpty();
    }
}
