package io.hubwatch.notify.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hubwatch.events.Durations;
import io.hubwatch.notify.config.DeliveryPolicy;
import io.hubwatch.notify.config.EmailConfig;
import io.hubwatch.notify.config.HttpSettings;
import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.config.NotifierConfigException;
import io.hubwatch.notify.config.ReceiverConfig;
import io.hubwatch.notify.config.RouteConfig;
import io.hubwatch.notify.config.Secret;
import io.hubwatch.notify.config.SlackConfig;
import io.hubwatch.notify.config.TargetPolicy;
import io.hubwatch.notify.config.WebhookConfig;
import io.hubwatch.notify.delivery.TargetGuard;
import io.hubwatch.rules.LabelMatcher;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the supported part of Alertmanager's configuration format plus the {@code hubwatch:} section. Every field
 * outside that part is refused by name; all problems are collected and reported together.
 */
public final class AlertmanagerYamlParser {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> TOP = Set.of("global", "route", "receivers", "hubwatch");
    private static final Set<String> GLOBAL = Set.of("resolve_timeout", "smtp_from", "smtp_smarthost", "smtp_hello",
            "smtp_auth_username", "smtp_auth_password", "smtp_auth_password_file", "smtp_require_tls",
            "slack_api_url", "slack_api_url_file");
    private static final Set<String> ROUTE = Set.of("receiver", "group_by", "continue", "matchers", "match",
            "match_re", "group_wait", "group_interval", "repeat_interval", "routes");
    private static final Set<String> RECEIVER = Set.of("name", "email_configs", "slack_configs", "webhook_configs");
    private static final Set<String> EMAIL = Set.of("send_resolved", "to", "from", "smarthost", "hello",
            "auth_username", "auth_password", "auth_password_file", "require_tls", "headers");
    private static final Set<String> SLACK = Set.of("send_resolved", "api_url", "api_url_file", "channel", "username",
            "icon_emoji", "http_config");
    private static final Set<String> WEBHOOK = Set.of("send_resolved", "url", "url_file", "max_alerts", "http_config",
            "payload", "pagerduty_routing_key", "pagerduty_routing_key_file", "hmac_secret", "hmac_secret_file",
            "hmac_header");
    private static final Set<String> HTTP_CONFIG = Set.of("authorization", "http_headers");
    private static final Set<String> AUTHORIZATION = Set.of("type", "credentials", "credentials_file");
    private static final Set<String> HEADER = Set.of("values", "secrets", "files");
    private static final Set<String> HUBWATCH = Set.of("external_url", "allow_loopback", "allowed_targets",
            "delivery", "receivers", "kafka", "http");
    private static final Set<String> DELIVERY = Set.of("timeout", "initial_backoff", "max_backoff", "give_up_after",
            "max_attempts", "rate_per_second", "burst");
    private static final Set<String> KAFKA = Set.of("incidents_topic", "dead_letter_topic", "group_id", "isolation_level");
    private static final Set<String> HTTP = Set.of("host", "port");

    private final Path baseDirectory;
    private final Function<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private JsonNode global;
    private TargetPolicy targets = TargetPolicy.DEFAULT;

    public AlertmanagerYamlParser(Path baseDirectory, Function<String, String> env) {
        this.baseDirectory = baseDirectory == null ? Path.of(".") : baseDirectory;
        this.env = env;
    }

    public NotifierConfig parse(String yaml) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n")[0];
            throw new NotifierConfigException("routing file is not valid YAML: " + msg);
        }
        if (root == null || !root.isObject()) {
            throw new NotifierConfigException("routing file must be a YAML mapping with 'route' and 'receivers'");
        }
        allowOnly(root, TOP, "top level");
        global = objectOrEmpty(root, "global", "top level");
        allowOnly(global, GLOBAL, "global");
        Duration resolveTimeout = duration(global, "resolve_timeout", "global", Duration.ofMinutes(5));

        JsonNode hub = objectOrEmpty(root, "hubwatch", "top level");
        allowOnly(hub, HUBWATCH, "hubwatch");
        targets = new TargetPolicy(bool(hub, "allow_loopback", "hubwatch", false), strings(hub, "allowed_targets", "hubwatch"));
        String externalUrl = text(hub, "external_url", "hubwatch", "http://127.0.0.1:8080");
        DeliveryPolicy delivery = delivery(objectOrEmpty(hub, "delivery", "hubwatch"), "hubwatch.delivery", DeliveryPolicy.DEFAULT);
        JsonNode kafka = objectOrEmpty(hub, "kafka", "hubwatch");
        allowOnly(kafka, KAFKA, "hubwatch.kafka");
        JsonNode http = objectOrEmpty(hub, "http", "hubwatch");
        allowOnly(http, HTTP, "hubwatch.http");

        Map<String, ReceiverConfig> receivers = receivers(root);
        Map<String, DeliveryPolicy> perReceiver = new LinkedHashMap<>();
        JsonNode hubReceivers = objectOrEmpty(hub, "receivers", "hubwatch");
        hubReceivers.fieldNames().forEachRemaining(name -> {
            if (!receivers.containsKey(name)) {
                problems.add("hubwatch.receivers: '" + name + "' is not a receiver defined in 'receivers'");
            }
            perReceiver.put(name, delivery(hubReceivers.get(name), "hubwatch.receivers." + name, delivery));
        });

        RouteConfig route = null;
        JsonNode routeNode = root.get("route");
        if (routeNode == null || !routeNode.isObject()) {
            problems.add("top level: field 'route' is required (the root of the route tree)");
        } else {
            if (routeNode.has("matchers") || routeNode.has("match") || routeNode.has("match_re")) {
                problems.add("route: the root route must not have matchers; it matches every incident");
            }
            if (!routeNode.hasNonNull("receiver")) {
                problems.add("route: field 'receiver' is required on the root route");
            }
            route = route(routeNode, "route", null, receivers);
        }
        int port = integer(http, "port", "hubwatch.http", 0);
        if (port < 0 || port > 65535) {
            problems.add("hubwatch.http: field 'port': " + port + " is not a port (0-65535)");
        }
        String isolation = text(kafka, "isolation_level", "hubwatch.kafka", NotifierConfig.READ_UNCOMMITTED);
        if (!NotifierConfig.READ_UNCOMMITTED.equals(isolation) && !NotifierConfig.READ_COMMITTED.equals(isolation)) {
            problems.add("hubwatch.kafka: field 'isolation_level': '" + isolation + "' is neither "
                    + NotifierConfig.READ_UNCOMMITTED + " nor " + NotifierConfig.READ_COMMITTED);
        }
        if (!problems.isEmpty()) {
            throw new NotifierConfigException(problems);
        }
        return new NotifierConfig(route, receivers, resolveTimeout, externalUrl, targets, delivery, perReceiver,
                text(kafka, "incidents_topic", "hubwatch.kafka", "incidents"),
                text(kafka, "dead_letter_topic", "hubwatch.kafka", NotifierConfig.DEFAULT_DEAD_LETTER_TOPIC),
                text(kafka, "group_id", "hubwatch.kafka", NotifierConfig.DEFAULT_GROUP_ID),
                isolation,
                text(http, "host", "hubwatch.http", "127.0.0.1"), port);
    }

    private Map<String, ReceiverConfig> receivers(JsonNode root) {
        Map<String, ReceiverConfig> receivers = new LinkedHashMap<>();
        JsonNode list = root.get("receivers");
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add("top level: field 'receivers' is required and must be a non-empty list");
            return receivers;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            if (!r.isObject() || !r.hasNonNull("name") || r.get("name").asText().isBlank()) {
                problems.add("receivers[" + i + "]: field 'name' is required");
                continue;
            }
            String name = r.get("name").asText();
            String where = "receiver '" + name + "'";
            if (receivers.containsKey(name)) {
                problems.add(where + ": the name is used by more than one receiver");
            }
            allowOnly(r, RECEIVER, where);
            List<EmailConfig> emails = new ArrayList<>();
            List<SlackConfig> slacks = new ArrayList<>();
            List<WebhookConfig> webhooks = new ArrayList<>();
            forEach(r, "email_configs", where, (node, w) -> emails.add(email(node, w)));
            forEach(r, "slack_configs", where, (node, w) -> slacks.add(slack(node, w)));
            forEach(r, "webhook_configs", where, (node, w) -> webhooks.add(webhook(node, w)));
            receivers.put(name, new ReceiverConfig(name, emails, slacks, webhooks));
        }
        return receivers;
    }

    private EmailConfig email(JsonNode n, String where) {
        allowOnly(n, EMAIL, where);
        String to = text(n, "to", where, null);
        if (to == null || to.isBlank()) {
            problems.add(where + ": field 'to' is required");
        } else if (addresses(to) == 0) {
            problems.add(where + ": field 'to': is not a list of email addresses");
        }
        String from = text(n, "from", where, text(global, "smtp_from", "global", null));
        if (from == null) {
            problems.add(where + ": field 'from' is required (or global.smtp_from)");
        } else if (addresses(from) != 1) {
            problems.add(where + ": field 'from': is not an email address");
        }
        String smarthost = text(n, "smarthost", where, text(global, "smtp_smarthost", "global", null));
        if (smarthost == null) {
            problems.add(where + ": field 'smarthost' is required (or global.smtp_smarthost)");
        } else if (!smarthost.matches(".+:\\d{1,5}")
                || Integer.parseInt(smarthost.substring(smarthost.lastIndexOf(':') + 1)) > 65535) {
            problems.add(where + ": field 'smarthost': '" + smarthost + "' is not host:port");
        }
        String user = text(n, "auth_username", where, text(global, "smtp_auth_username", "global", null));
        Secret password = n.has("auth_password") || n.has("auth_password_file")
                ? secret(n, "auth_password", "auth_password_file", where)
                : secret(global, "smtp_auth_password", "smtp_auth_password_file", "global");
        if (user != null && password == null) {
            problems.add(where + ": auth_username is set but no auth_password (or auth_password_file, or global.smtp_auth_password)");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = n.get("headers");
        if (h != null && h.isObject()) {
            h.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        } else if (h != null) {
            problems.add(where + ": field 'headers' must be a mapping");
        }
        List<String> recipients = to == null ? List.of() : List.of(to.split("\\s*,\\s*"));
        return new EmailConfig(bool(n, "send_resolved", where, false), recipients, from, smarthost,
                text(n, "hello", where, text(global, "smtp_hello", "global", "localhost")), user, password,
                bool(n, "require_tls", where, bool(global, "smtp_require_tls", "global", true)), headers);
    }

    private SlackConfig slack(JsonNode n, String where) {
        allowOnly(n, SLACK, where);
        Secret url = n.has("api_url") || n.has("api_url_file")
                ? secret(n, "api_url", "api_url_file", where)
                : secret(global, "slack_api_url", "slack_api_url_file", "global");
        if (url == null) {
            problems.add(where + ": field 'api_url' is required (or api_url_file, or global.slack_api_url)");
        } else {
            checkUrl(url, where + ": field 'api_url'");
        }
        return new SlackConfig(bool(n, "send_resolved", where, false), url, text(n, "channel", where, null),
                text(n, "username", where, null), text(n, "icon_emoji", where, null), http(n, where));
    }

    private WebhookConfig webhook(JsonNode n, String where) {
        allowOnly(n, WEBHOOK, where);
        Secret url = secret(n, "url", "url_file", where);
        if (url == null) {
            problems.add(where + ": field 'url' is required (or url_file)");
        } else {
            checkUrl(url, where + ": field 'url'");
        }
        String payloadText = text(n, "payload", where, "alertmanager");
        WebhookConfig.Payload payload = WebhookConfig.Payload.ALERTMANAGER;
        if ("pagerduty".equals(payloadText)) {
            payload = WebhookConfig.Payload.PAGERDUTY;
        } else if (!"alertmanager".equals(payloadText)) {
            problems.add(where + ": field 'payload': '" + payloadText + "' is not one of alertmanager, pagerduty");
        }
        Secret routingKey = secret(n, "pagerduty_routing_key", "pagerduty_routing_key_file", where);
        if (payload == WebhookConfig.Payload.PAGERDUTY && routingKey == null) {
            problems.add(where + ": payload pagerduty needs field 'pagerduty_routing_key' (or pagerduty_routing_key_file)");
        }
        int maxAlerts = integer(n, "max_alerts", where, 0);
        if (maxAlerts < 0) {
            problems.add(where + ": field 'max_alerts' must be 0 (all) or positive, was " + maxAlerts);
        }
        return new WebhookConfig(bool(n, "send_resolved", where, true), url, maxAlerts, payload, routingKey,
                secret(n, "hmac_secret", "hmac_secret_file", where),
                text(n, "hmac_header", where, WebhookConfig.DEFAULT_HMAC_HEADER), http(n, where));
    }

    private HttpSettings http(JsonNode parent, String where) {
        JsonNode n = parent.get("http_config");
        if (n == null) {
            return HttpSettings.NONE;
        }
        String w = where + ".http_config";
        if (!n.isObject()) {
            problems.add(w + ": must be a mapping");
            return HttpSettings.NONE;
        }
        allowOnly(n, HTTP_CONFIG, w);
        String authType = null;
        Secret authSecret = null;
        JsonNode auth = n.get("authorization");
        if (auth != null) {
            allowOnly(auth, AUTHORIZATION, w + ".authorization");
            authType = text(auth, "type", w + ".authorization", "Bearer");
            authSecret = secret(auth, "credentials", "credentials_file", w + ".authorization");
            if (authSecret == null) {
                problems.add(w + ".authorization: field 'credentials' (or credentials_file) is required");
            }
        }
        Map<String, Secret> headers = new LinkedHashMap<>();
        JsonNode hs = n.get("http_headers");
        if (hs != null) {
            hs.fields().forEachRemaining(e -> {
                String hw = w + ".http_headers." + e.getKey();
                JsonNode h = e.getValue();
                if (!e.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    // RFC 9110 5.1: a token; the HTTP client would refuse it at every send
                    problems.add(hw + ": '" + e.getKey() + "' is not a header name");
                    return;
                }
                if (!h.isObject()) {
                    problems.add(hw + ": must be a mapping with values, secrets or files");
                    return;
                }
                allowOnly(h, HEADER, hw);
                List<String> values = new ArrayList<>(strings(h, "values", hw));
                for (String s : strings(h, "secrets", hw)) {
                    Secret sec = expand(s, hw + ".secrets");
                    if (sec != null) {
                        values.add(sec.reveal());
                    }
                }
                for (String f : strings(h, "files", hw)) {
                    Secret sec = readFile(f, hw + ".files");
                    if (sec != null) {
                        values.add(sec.reveal());
                    }
                }
                if (values.isEmpty()) {
                    problems.add(hw + ": no value (give values, secrets or files)");
                } else if (values.stream().anyMatch(v -> v.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f))) {
                    // a line break would end the header early; never named with the value, which may be a secret
                    problems.add(hw + ": the value holds a control character (a line break?)");
                } else {
                    headers.put(e.getKey(), Secret.of(String.join(", ", values)));
                }
            });
        }
        return new HttpSettings(headers, authType, authSecret);
    }

    private RouteConfig route(JsonNode n, String where, RouteConfig parent, Map<String, ReceiverConfig> receivers) {
        allowOnly(n, ROUTE, where);
        String receiver = text(n, "receiver", where, parent == null ? null : parent.receiver());
        String w = where + (receiver == null ? "" : " (receiver '" + receiver + "')");
        if (receiver != null && !receivers.isEmpty() && !receivers.containsKey(receiver)) {
            problems.add(w + ": field 'receiver': '" + receiver + "' is not defined in 'receivers'");
        }
        List<LabelMatcher> matchers = new ArrayList<>();
        for (String m : strings(n, "matchers", w)) {
            String inner = m.trim();
            if (inner.startsWith("{") && inner.endsWith("}")) {
                inner = inner.substring(1, inner.length() - 1);
            }
            for (String part : inner.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
                if (part.isBlank()) {
                    continue;
                }
                try {
                    matchers.add(LabelMatcher.parse(part));
                } catch (IllegalArgumentException e) {
                    problems.add(w + ": field 'matchers': " + e.getMessage());
                }
            }
        }
        mapping(n, "match", w).forEach((k, v) -> matchers.add(new LabelMatcher(k, LabelMatcher.Type.EQ, v)));
        mapping(n, "match_re", w).forEach((k, v) -> {
            try {
                matchers.add(new LabelMatcher(k, LabelMatcher.Type.RE, v));
            } catch (com.google.re2j.PatternSyntaxException e) {
                problems.add(w + ": field 'match_re': '" + v + "' is not a valid regex: " + e.getDescription());
            } catch (IllegalArgumentException e) {
                // LabelMatcher's size check: a regex whose repetitions expand past its limit
                problems.add(w + ": field 'match_re': '" + v + "': " + e.getMessage());
            }
        });
        List<String> groupBy = n.has("group_by") ? strings(n, "group_by", w)
                : parent == null ? List.of() : parent.groupBy();
        boolean all = n.has("group_by") ? groupBy.contains("...") : parent != null && parent.groupByAll();
        if (all && groupBy.size() > 1) {
            problems.add(w + ": field 'group_by': '...' groups by all labels and cannot be combined with other names");
        }
        // 0s is Alertmanager's "send the first notification at once"
        Duration wait = duration(n, "group_wait", w, parent == null ? Duration.ofSeconds(30) : parent.groupWait());
        Duration interval = positive(n, "group_interval", w, parent == null ? Duration.ofMinutes(5) : parent.groupInterval());
        Duration repeat = positive(n, "repeat_interval", w, parent == null ? Duration.ofHours(4) : parent.repeatInterval());
        RouteConfig self = new RouteConfig(where, receiver, matchers, bool(n, "continue", w, false),
                all ? List.of() : groupBy, all, wait, interval, repeat, List.of());
        List<RouteConfig> children = new ArrayList<>();
        JsonNode routes = n.get("routes");
        if (routes != null) {
            if (!routes.isArray()) {
                problems.add(w + ": field 'routes' must be a list");
            } else {
                for (int i = 0; i < routes.size(); i++) {
                    if (!routes.get(i).isObject()) {
                        problems.add(where + ".routes[" + i + "]: must be a mapping");
                        continue;
                    }
                    children.add(route(routes.get(i), where + ".routes[" + i + "]", self, receivers));
                }
            }
        }
        if (parent == null && receiver == null) {
            receiver = "";
        }
        return new RouteConfig(where, receiver, matchers, self.continueMatching(), self.groupBy(), all, wait, interval,
                repeat, children);
    }

    private DeliveryPolicy delivery(JsonNode n, String where, DeliveryPolicy base) {
        if (n == null || n.isNull()) {
            return base;
        }
        allowOnly(n, DELIVERY, where);
        double rate = n.has("rate_per_second") ? n.get("rate_per_second").asDouble(-1) : base.ratePerSecond();
        if (rate <= 0) {
            problems.add(where + ": field 'rate_per_second' must be a positive number, was " + n.get("rate_per_second"));
        }
        int burst = integer(n, "burst", where, base.burst());
        int attempts = integer(n, "max_attempts", where, base.maxAttempts());
        if (burst < 1) {
            problems.add(where + ": field 'burst' must be at least 1, was " + burst);
        }
        if (attempts < 1) {
            problems.add(where + ": field 'max_attempts' must be at least 1, was " + attempts);
        }
        return new DeliveryPolicy(positive(n, "timeout", where, base.timeout()),
                positive(n, "initial_backoff", where, base.initialBackoff()),
                positive(n, "max_backoff", where, base.maxBackoff()),
                positive(n, "give_up_after", where, base.giveUpAfter()), attempts, rate, burst);
    }

    // --- small typed readers; each records a problem naming where and which field, and returns a default ---

    /**
     * How many email addresses the text holds, parsed strictly (0: it is not a list of addresses): a line break in an address would otherwise be taken as
     * the end of a mail header at every send (and every send would fail).
     */
    private static int addresses(String text) {
        try {
            return jakarta.mail.internet.InternetAddress.parse(text, true).length;
        } catch (jakarta.mail.internet.AddressException e) {
            return 0;
        }
    }

    private void checkUrl(Secret url, String where) {
        URI uri;
        try {
            uri = URI.create(url.reveal().trim());
        } catch (IllegalArgumentException e) {
            problems.add(where + ": is not a valid URL");
            return;
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            problems.add(where + ": is not an http(s) URL with a host");
            return;
        }
        if (uri.getPort() > 65535) {
            problems.add(where + ": port " + uri.getPort() + " is not a port (1-65535)");
            return;
        }
        String refusal = TargetGuard.refusalAtLoad(uri.getHost(), targets);
        if (refusal != null) {
            problems.add(where + ": " + refusal);
        }
    }

    private void allowOnly(JsonNode n, Set<String> allowed, String where) {
        if (n == null || !n.isObject()) {
            return;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                problems.add(where + ": field '" + f + "' is not supported by Hubwatch (supported: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private JsonNode objectOrEmpty(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return YAMLMapper.builder().build().createObjectNode();
        }
        if (!v.isObject()) {
            problems.add(where + ": field '" + field + "' must be a mapping");
            return YAMLMapper.builder().build().createObjectNode();
        }
        return v;
    }

    private interface ItemParser {
        void parse(JsonNode item, String where);
    }

    private void forEach(JsonNode n, String field, String where, ItemParser parser) {
        JsonNode list = n.get(field);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            problems.add(where + ": field '" + field + "' must be a list");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isObject()) {
                problems.add(where + ": " + field + "[" + i + "] must be a mapping");
                continue;
            }
            parser.parse(list.get(i), where + ": " + field + "[" + i + "]");
        }
    }

    private String text(JsonNode n, String field, String where, String dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isValueNode()) {
            problems.add(where + ": field '" + field + "' must be a single value");
            return dflt;
        }
        return v.asText();
    }

    private boolean bool(JsonNode n, String field, String where, boolean dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            problems.add(where + ": field '" + field + "' must be true or false, was " + v);
            return dflt;
        }
        return v.booleanValue();
    }

    private int integer(JsonNode n, String field, String where, int dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            problems.add(where + ": field '" + field + "' must be an integer, was " + v);
            return dflt;
        }
        return v.intValue();
    }

    private Duration duration(JsonNode n, String field, String where, Duration dflt) {
        String t = text(n, field, where, null);
        if (t == null) {
            return dflt;
        }
        try {
            return Durations.parse(t);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": field '" + field + "': " + e.getMessage());
            return dflt;
        }
    }

    private Duration positive(JsonNode n, String field, String where, Duration dflt) {
        Duration d = duration(n, field, where, dflt);
        if (d.isZero() && n.has(field)) {
            problems.add(where + ": field '" + field + "' must be more than 0");
        }
        return d;
    }

    private List<String> strings(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            problems.add(where + ": field '" + field + "' must be a list");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int item = 0;
        for (JsonNode e : v) {
            item++;
            if (!e.isValueNode() || e.isNull()) {
                // asText() would make a mapping or a null the empty string, which names nothing
                problems.add(where + ": field '" + field + "': item " + item + " must be a single value");
            } else {
                out.add(e.asText());
            }
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private Map<String, String> mapping(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            problems.add(where + ": field '" + field + "' must be a mapping of label to value");
            return out;
        }
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problems.add(where + ": field '" + field + "': the value of '" + e.getKey() + "' must be a single value");
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    /** A secret from the field itself ({@code ${VAR}} expands from the environment) or from the file it names. */
    private Secret secret(JsonNode n, String field, String fileField, String where) {
        String inline = text(n, field, where, null);
        String file = text(n, fileField, where, null);
        if (inline != null && file != null) {
            problems.add(where + ": give either '" + field + "' or '" + fileField + "', not both");
            return null;
        }
        if (inline != null) {
            return expand(inline, where + ": field '" + field + "'");
        }
        if (file != null) {
            return readFile(file, where + ": field '" + fileField + "'");
        }
        return null;
    }

    private Secret expand(String value, String where) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                problems.add(where + ": environment variable " + m.group(1) + " is not set");
                return null;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return Secret.of(sb.toString());
    }

    /** A secret is a few hundred bytes; a larger file is a wrong path, not a secret. */
    private static final long MAX_SECRET_FILE_BYTES = 64 * 1024;

    private Secret readFile(String file, String where) {
        Path p = baseDirectory.resolve(file);
        try {
            // a FIFO or a device (/dev/stdin, /dev/zero) would block the load forever or never end
            if (!Files.isRegularFile(p)) {
                problems.add(where + ": secret file " + p + (Files.exists(p) ? " is not a regular file" : " does not exist"));
                return null;
            }
            if (Files.size(p) > MAX_SECRET_FILE_BYTES) {
                problems.add(where + ": secret file " + p + " is larger than 64 KiB");
                return null;
            }
            return Secret.of(Files.readString(p, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            problems.add(where + ": cannot read secret file " + p + " (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }
}
