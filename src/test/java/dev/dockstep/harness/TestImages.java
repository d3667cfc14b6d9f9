package dev.dockstep.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Images that can run a program, made offline from Debian's static busybox (package busybox-static). */
public final class TestImages {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final List<String> APPLETS = List.of("sh", "id", "echo", "cat", "touch", "ls", "sleep", "yes", "head");

    private TestImages() {
    }

    /** Imports an image named {@code ref} whose root holds /bin/busybox and its common applets. */
    public static void busybox(String dockerHost, String ref) {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new AssertionError(BUSYBOX + " is missing; install busybox-static (bin/test does)");
        }
        Path tar = null;
        try {
            tar = Files.createTempFile("busybox-rootfs", ".tar");
            Files.write(tar, rootfs());
            // The real CLI: docker-java's import cuts the stream short against a rootless daemon.
            Cli.run(List.of("docker", "import", tar.toString(), ref), java.util.Map.of("DOCKER_HOST", dockerHost), null)
                    .requireSuccess();
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            if (tar != null) {
                tar.toFile().delete();
            }
        }
    }

    private static byte[] rootfs() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (String dir : List.of("bin/", "tmp/", "proc/", "dev/", "etc/")) {
                tar.putArchiveEntry(new TarArchiveEntry(dir));
                tar.closeArchiveEntry();
            }
            byte[] busybox = Files.readAllBytes(BUSYBOX);
            TarArchiveEntry binary = new TarArchiveEntry("bin/busybox");
            binary.setSize(busybox.length);
            binary.setMode(0755);
            tar.putArchiveEntry(binary);
            tar.write(busybox);
            tar.closeArchiveEntry();
            for (String applet : APPLETS) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
