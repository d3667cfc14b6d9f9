package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Gives files to numeric Linux users, which Java's principal lookup only knows by name. */
final class Owners {
    private Owners() {
    }

    /** Sets the owner and group of {@code path} itself, never of what a link points at. */
    static void set(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
}
