package dev.dockstep.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.common.Hashes;
import dev.dockstep.common.Messages;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Makes small images without any network: a one-layer image archive in the {@code docker save}
 * format, generated in memory and loaded through the Docker API. The same name always yields the
 * same image ID, so lessons and tests are reproducible.
 */
public final class OfflineImages {
    // Sorted keys: Map.of has no stable order, and one byte of difference is another image ID.
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final long EPOCH = 1_700_000_000L;

    private OfflineImages() {
    }

    /**
     * Makes sure the Docker at {@code dockerHost} holds each image, made offline, never pulled.
     *
     * @throws SandboxException when Docker cannot be reached or refuses the images
     */
    public static void seed(String dockerHost, List<String> images) {
        if (images.isEmpty()) {
            return;
        }
        try (var docker = DockerClients.writable(dockerHost)) {
            ensure(docker, images);
        } catch (IOException | RuntimeException e) {
            throw new SandboxException("could not prepare the lesson images " + images + " in Docker at "
                    + dockerHost + ": " + Messages.rootLine(e), e);
        }
    }

    /** Loads {@code ref} (for example {@code backend:0.1}) into the daemon unless it is there already. */
    public static void ensure(DockerClient docker, String ref) {
        ensure(docker, List.of(ref));
    }

    /**
     * Loads those of {@code refs} that the daemon lacks, in one archive: each load costs the
     * daemon about 0.3 s however small the image, and start-up waits for it.
     */
    public static void ensure(DockerClient docker, List<String> refs) {
        List<String> missing = new java.util.ArrayList<>();
        for (String ref : new java.util.LinkedHashSet<>(refs)) {
            try {
                docker.inspectImageCmd(ref).exec();
            } catch (NotFoundException absent) {
                missing.add(ref);
            }
        }
        if (!missing.isEmpty()) {
            // The async form reads the daemon's answer to the end: the plain one may hang up
            // while the daemon is still loading, and images after the first can go missing.
            try {
                docker.loadImageAsyncCmd(new ByteArrayInputStream(archive(missing))).start().awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading " + missing, e);
            }
        }
    }

    /** A {@code docker save} archive holding one image tagged {@code ref}. */
    public static byte[] archive(String ref) {
        return archive(List.of(ref));
    }

    /** A {@code docker save} archive holding one image per reference; each image is the same as alone. */
    public static byte[] archive(List<String> refs) {
        try {
            var entries = new java.util.LinkedHashMap<String, byte[]>();
            List<Map<String, Object>> manifest = new java.util.ArrayList<>();
            for (String ref : refs) {
                manifest.add(addImage(entries, ref));
            }
            entries.put("manifest.json", JSON.writeValueAsBytes(manifest));
            return tar(entries);
        } catch (IOException e) {
            throw new IllegalStateException("building an in-memory archive failed", e);
        }
    }

    /** Adds the config and the layer of {@code ref} to {@code entries}, and returns its manifest entry. */
    private static Map<String, Object> addImage(Map<String, byte[]> entries, String ref) throws IOException {
        if (!ref.matches("[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("an offline image needs a name:tag reference, got: " + ref);
        }
        byte[] layer = tar(Map.of("dockstep/" + ref.replace(':', '-') + ".txt",
                ("This image, " + ref + ", was made offline by dockstep.\n").getBytes(StandardCharsets.UTF_8)));
        String diffId = "sha256:" + sha256(layer);
        byte[] config = JSON.writeValueAsBytes(Map.of(
                "architecture", "amd64",
                "os", "linux",
                "created", "2023-11-14T22:13:20Z",
                "config", Map.of("Labels", Map.of("dev.dockstep.image", ref)),
                "rootfs", Map.of("type", "layers", "diff_ids", List.of(diffId)),
                "history", List.of(Map.of("created", "2023-11-14T22:13:20Z", "created_by", "dockstep offline image"))));
        String configName = sha256(config) + ".json";
        String layerName = sha256(layer) + "/layer.tar";
        entries.put(configName, config);
        entries.put(layerName, layer);
        return Map.of("Config", configName, "RepoTags", List.of(ref), "Layers", List.of(layerName));
    }

    private static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var file : files.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                String name = file.getKey();
                int slash = name.lastIndexOf('/');
                if (slash > 0) {
                    TarArchiveEntry dir = new TarArchiveEntry(name.substring(0, slash + 1));
                    dir.setModTime(EPOCH * 1000);
                    tar.putArchiveEntry(dir);
                    tar.closeArchiveEntry();
                }
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(file.getValue().length);
                entry.setMode(0644);
                entry.setModTime(EPOCH * 1000);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] data) {
        return Hashes.sha256(data);
    }
}
