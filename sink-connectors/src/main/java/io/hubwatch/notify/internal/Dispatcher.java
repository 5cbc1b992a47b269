package io.hubwatch.notify.internal;

import io.hubwatch.events.Incident;
import io.hubwatch.events.IncidentStatus;
import io.hubwatch.notify.receiver.Integration;
import io.hubwatch.notify.receiver.Notification;
import io.hubwatch.notify.routing.AlertLabels;
import io.hubwatch.notify.routing.Route;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Routes incidents into aggregation groups and decides, like Alertmanager, when a group is flushed and what each
 * integration gets: first flush after group_wait, later ones every group_interval when something changed, a repeat
 * after repeat_interval. A group whose alerts all resolved before it was ever notified sends nothing.
 * Thread-safe: the consumer thread adds, the scheduler takes due flushes, delivery threads complete them.
 */
public final class Dispatcher {
    private final Route root;
    private final Map<String, List<Integration>> integrations;
    private final String externalUrl;
    private final Consumer<PendingRecord> onRecordDone;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /**
     * Episodes whose resolution was taken in (fingerprint@start), newest last, bounded. The notifier reads incidents
     * before their Kafka transaction commits (see {@code NotifierConfig#readUncommitted}), so a job restored from its
     * last checkpoint writes again what this notifier may already have sent: a firing seen again after its episode
     * resolved, or the resolution itself, is a repeat and is dropped here. Repeats of a still-firing episode need no
     * memory: they change nothing in their group, so nothing is sent.
     */
    private final Map<String, Boolean> ended;

    public Dispatcher(Route root, Map<String, List<Integration>> integrations, String externalUrl,
                      Consumer<PendingRecord> onRecordDone) {
        this(root, integrations, externalUrl, onRecordDone, ENDED_CAPACITY);
    }

    /** The episodes remembered as ended: at 10,000 resolutions a minute, the last hour's and more (~10 MB). */
    static final int ENDED_CAPACITY = 100_000;

    Dispatcher(Route root, Map<String, List<Integration>> integrations, String externalUrl,
               Consumer<PendingRecord> onRecordDone, int endedCapacity) {
        this.ended = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > endedCapacity;
            }
        };
        this.root = root;
        this.integrations = integrations;
        this.externalUrl = externalUrl;
        this.onRecordDone = onRecordDone;
    }

    /** What one flush sends: each (integration, notification), and the bookkeeping to do once all are handled. */
    public static final class FlushJob {
        private final Group group;
        private final Map<Integration, Notification> sends;
        private final List<PendingRecord> records;
        private final List<Entry> firing;
        private final Map<Entry, Instant> firingStarts = new HashMap<>();
        private final List<Entry> resolved;
        private final Instant at;

        FlushJob(Group group, Map<Integration, Notification> sends, List<PendingRecord> records, List<Entry> firing,
                 List<Entry> resolved, Instant at) {
            this.group = group;
            this.sends = sends;
            this.records = records;
            this.firing = firing;
            firing.forEach(e -> firingStarts.put(e, e.incident.startsAt()));
            this.resolved = resolved;
            this.at = at;
        }

        public Map<Integration, Notification> sends() {
            return sends;
        }

        public String groupKey() {
            return group.key;
        }
    }

    private static final class Entry {
        Incident incident;
        boolean notified;
        final List<PendingRecord> pending = new ArrayList<>();

        Entry(Incident incident, boolean notified) {
            this.incident = incident;
            this.notified = notified;
        }
    }

    private record Sent(Set<String> firing, Set<String> resolved, Instant at) {}

    private static final class Group {
        final Route route;
        final String key;
        final Map<String, String> labels;
        final Map<String, Entry> alerts = new LinkedHashMap<>();
        final Map<String, Sent> sent = new HashMap<>();
        Instant nextFlush;
        Instant lastFlush;
        /** When the last flush that sent something began. */
        Instant lastSent;
        boolean inFlight;

        Group(Route route, String key, Map<String, String> labels) {
            this.route = route;
            this.key = key;
            this.labels = labels;
        }
    }

    /**
     * Takes one incident. Muted incidents (silenced or inhibited upstream) are not sent; their record is done at once,
     * and a muted resolution takes its alert out of the group.
     */
    public synchronized void add(Incident incident, PendingRecord record, Instant now) {
        String episode = incident.episodeKey();
        if (ended.containsKey(episode)) {
            // a repeat from a restored job (see ended): already handled
            record.expect(1);
            release(record);
            return;
        }
        if (incident.status() == IncidentStatus.RESOLVED) {
            ended.put(episode, Boolean.TRUE);
        }
        Map<String, String> labels = AlertLabels.of(incident);
        List<Route> routes = root.match(labels);
        boolean muted = AlertLabels.isMuted(incident);
        record.expect(routes.size());
        for (Route route : routes) {
            Map<String, String> groupLabels = route.groupLabels(labels);
            String key = route.groupKey(groupLabels);
            Group g = groups.get(key);
            if (muted) {
                if (g != null && incident.status() == IncidentStatus.RESOLVED) {
                    Entry e = g.alerts.get(incident.fingerprint());
                    if (e != null && !g.inFlight && e.incident.startsAt().equals(incident.startsAt())) {
                        g.alerts.remove(incident.fingerprint());
                        e.pending.forEach(this::release);
                    }
                }
                release(record);
                continue;
            }
            if (g == null) {
                g = new Group(route, key, groupLabels);
                g.nextFlush = now.plus(route.config().groupWait());
                groups.put(key, g);
            }
            Entry e = g.alerts.get(incident.fingerprint());
            boolean firing = incident.status() == IncidentStatus.FIRING;
            if (e == null) {
                // a resolution with no firing seen in this process: the firing was delivered before a restart
                e = new Entry(incident, !firing);
                g.alerts.put(incident.fingerprint(), e);
            } else if (!e.incident.startsAt().equals(incident.startsAt())) {
                if (incident.startsAt().isAfter(e.incident.startsAt())) {
                    e.incident = incident;
                    e.notified = !firing;
                }
                // an older episode's message: nothing to change, but its record completes with this group
            } else if (!firing || e.incident.status() == IncidentStatus.FIRING) {
                e.incident = incident;
            }
            e.pending.add(record);
            if (g.lastFlush != null || g.nextFlush == null) {
                // after the first flush, a change goes out group_interval after the last notification (Alertmanager's
                // definition of group_interval), not at the next tick of a fixed cadence: a resolution read just after
                // an idle tick waited a whole extra interval (measured: 1.98 s instead of 0.98 s at 1 s intervals)
                Instant base = g.lastSent != null ? g.lastSent : g.lastFlush;
                Instant tick = base == null ? now : base.plus(route.config().groupInterval());
                if (tick.isBefore(now)) {
                    tick = now;
                }
                if (g.nextFlush == null || tick.isBefore(g.nextFlush)) {
                    g.nextFlush = tick;
                }
            }
        }
    }

    /** Groups due at {@code now}, each turned into a flush job; jobs with no sends must still be completed. */
    public synchronized List<FlushJob> due(Instant now) {
        List<FlushJob> jobs = new ArrayList<>();
        for (Group g : new ArrayList<>(groups.values())) {
            if (g.inFlight || g.nextFlush == null || g.nextFlush.isAfter(now)) {
                continue;
            }
            jobs.add(flush(g, now));
        }
        return jobs;
    }

    private FlushJob flush(Group g, Instant now) {
        List<PendingRecord> records = new ArrayList<>();
        List<Entry> firing = new ArrayList<>();
        List<Entry> resolved = new ArrayList<>();
        for (var it = g.alerts.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            records.addAll(e.pending);
            e.pending.clear();
            if (e.incident.status() == IncidentStatus.FIRING) {
                firing.add(e);
            } else if (e.notified) {
                resolved.add(e);
            } else {
                it.remove(); // resolved before anyone was told: nothing to send
            }
        }
        Map<Integration, Notification> sends = new LinkedHashMap<>();
        Set<String> firingKeys = keys(firing);
        Set<String> resolvedKeys = keys(resolved);
        for (Integration i : integrations.getOrDefault(g.route.receiver(), List.of())) {
            Sent prev = g.sent.get(i.name());
            boolean withResolved = i.sendResolved() && !resolved.isEmpty();
            if (firing.isEmpty() && !withResolved) {
                continue;
            }
            boolean changed = prev == null || !prev.firing.containsAll(firingKeys)
                    || (i.sendResolved() && !prev.resolved.containsAll(resolvedKeys));
            boolean repeat = prev != null && !firing.isEmpty()
                    && !now.isBefore(prev.at.plus(g.route.config().repeatInterval()));
            if (!changed && !repeat) {
                continue;
            }
            List<Incident> alerts = new ArrayList<>();
            firing.forEach(e -> alerts.add(e.incident));
            if (i.sendResolved()) {
                resolved.forEach(e -> alerts.add(e.incident));
            }
            sends.put(i, new Notification(g.route.receiver(), g.key, g.labels, alerts,
                    idempotencyKey(g.key, g.route.receiver(), alerts), externalUrl));
        }
        g.inFlight = true;
        g.nextFlush = null;
        g.lastFlush = now;
        if (!sends.isEmpty()) {
            g.lastSent = now;
        }
        return new FlushJob(g, sends, records, firing, resolved, now);
    }

    /** Records the outcome of a flush (every send delivered or dead-lettered) and releases its records. */
    public synchronized void complete(FlushJob job) {
        Group g = job.group;
        Set<String> firingKeys = keys(job.firing);
        Set<String> resolvedKeys = keys(job.resolved);
        for (Integration i : job.sends.keySet()) {
            g.sent.put(i.name(), new Sent(firingKeys, resolvedKeys, job.at));
        }
        for (Entry e : job.firing) {
            // only if the entry still holds the episode that was sent (a new episode may have replaced it meanwhile)
            if (e.incident.startsAt().equals(job.firingStarts.get(e))) {
                e.notified = true;
            }
        }
        for (Entry e : job.resolved) {
            if (g.alerts.get(e.incident.fingerprint()) == e && e.incident.status() == IncidentStatus.RESOLVED
                    && e.pending.isEmpty()) {
                g.alerts.remove(e.incident.fingerprint());
            }
        }
        job.records.forEach(this::release);
        g.inFlight = false;
        if (g.alerts.isEmpty()) {
            groups.remove(g.key);
        } else {
            // after a notification, look again one group_interval later; after an idle tick, only the repeat is
            // scheduled (a change schedules itself in add)
            Instant tick = !job.sends.isEmpty() ? job.at.plus(g.route.config().groupInterval())
                    : !job.firing.isEmpty() && g.lastSent != null ? g.lastSent.plus(g.route.config().repeatInterval())
                    : null;
            if (tick != null && (g.nextFlush == null || tick.isBefore(g.nextFlush))) {
                g.nextFlush = tick;
            }
        }
    }

    /** When the next group is due (the earliest flush not in flight), or null when none is waiting. */
    public synchronized Instant nextDue() {
        Instant next = null;
        for (Group g : groups.values()) {
            if (!g.inFlight && g.nextFlush != null && (next == null || g.nextFlush.isBefore(next))) {
                next = g.nextFlush;
            }
        }
        return next;
    }

    public synchronized int groupCount() {
        return groups.size();
    }

    private void release(PendingRecord r) {
        if (r.release()) {
            onRecordDone.accept(r);
        }
    }

    private static Set<String> keys(List<Entry> entries) {
        return entries.stream().map(e -> e.incident.episodeKey() + ":" + e.incident.status().wireName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Group key + the episodes (and their states) in the notification: the same content gives the same key, also
     * after a restart re-sends it, so a receiver can drop the repeat.
     */
    static String idempotencyKey(String groupKey, String receiver, List<Incident> alerts) {
        TreeSet<String> episodes = alerts.stream().map(a -> a.episodeKey() + ":" + a.status().wireName())
                .collect(Collectors.toCollection(TreeSet::new));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((receiver + "\n" + groupKey + "\n" + String.join("\n", episodes)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in a JDK", e);
        }
    }
}
