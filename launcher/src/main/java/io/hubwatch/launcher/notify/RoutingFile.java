package io.hubwatch.launcher.notify;

import io.hubwatch.notify.config.NotifierConfig;
import io.hubwatch.notify.config.NotifierConfigException;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a routing file for a command, turning every problem into a one-message parameter error. */
final class RoutingFile {
    private RoutingFile() {}

    static NotifierConfig load(CommandLine cli, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(cli, "--config: no such file: " + file);
        }
        try {
            return NotifierConfig.load(file);
        } catch (NotifierConfigException e) {
            throw new CommandLine.ParameterException(cli, "routing file " + file + " is not usable: " + e.getMessage());
        }
    }
}
