package io.hubwatch.notify.config;

import java.util.Map;

/**
 * The supported part of Alertmanager's {@code http_config}: extra headers and an {@code Authorization} credential.
 *
 * @param headers             header name to value; values may be secrets (from {@code secrets} or {@code files})
 * @param authorizationType   e.g. {@code Bearer}; null for none
 * @param authorizationSecret the credential; null for none
 */
public record HttpSettings(Map<String, Secret> headers, String authorizationType, Secret authorizationSecret) {
    public static final HttpSettings NONE = new HttpSettings(Map.of(), null, null);

    public HttpSettings {
        headers = Map.copyOf(headers);
    }
}
