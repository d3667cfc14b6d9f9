package dev.dockstep.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one rule for the files dockstep keeps: only dockstep's own user may read them. They hold
 * every bcrypt hash, every session, and every image a learner pushed.
 *
 * <p>Every file dockstep owns is {@link #FILE} and every folder {@link #FOLDER}. The data folder
 * itself is {@link #DATA_FOLDER}; when parts of it must be reached by other users (sandboxes run
 * as Linux users of their own), it becomes {@link #TRAVERSE}: others may pass through to a path
 * they know, never list it, and every folder and file dockstep owns inside stays private.
 * Files that belong to another user are left as they are: they are that user's to guard.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> TRAVERSE = PosixFilePermissions.fromString("rwx--x--x");
    /** What the data folder gets when no other user needs to reach anything in it (shared and host modes). */
    public static final Set<PosixFilePermission> DATA_FOLDER = FOLDER;

    private PrivateFiles() {
    }

    /**
     * Creates the data folder if need be and gives it {@link #DATA_FOLDER}.
     *
     * @throws IOException when it cannot be created or its mode cannot be set
     */
    public static Path dataFolder(Path data) throws IOException {
        return dataFolder(data, DATA_FOLDER);
    }

    /** Creates the data folder if need be and gives it {@code mode}: {@link #DATA_FOLDER} or {@link #TRAVERSE}. */
    public static Path dataFolder(Path data, Set<PosixFilePermission> mode) throws IOException {
        Files.createDirectories(data);
        setMode(data, mode);
        return data;
    }

    /** Creates an empty file, or keeps the one there, readable only by dockstep. */
    public static Path file(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            } catch (java.nio.file.FileAlreadyExistsException racedUs) {
                // made a moment ago by another process: made private below all the same
            }
        }
        restrict(file);
        return file;
    }

    /** Gives {@code path} {@link #FILE} or {@link #FOLDER}, when it is dockstep's own file or folder. */
    public static void restrict(Path path) throws IOException {
        PosixFileAttributes attributes = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).readAttributes();
        if (!attributes.owner().equals(me(path))) {
            return;
        }
        if (attributes.isDirectory()) {
            setMode(path, FOLDER);
        } else if (attributes.isRegularFile()) {
            setMode(path, FILE);
        }
        // sockets, pipes and links keep their modes: a link's is meaningless, and the folder guards the rest
    }

    /** {@link #restrict}s everything directly inside {@code folder}; a private folder guards what is deeper. */
    public static void restrictChildren(Path folder) throws IOException {
        restrictChildren(folder, Set.of());
    }

    /**
     * {@link #restrict}s everything directly inside {@code folder} but {@code passable}, folders
     * that guard their own contents for users who must pass through them.
     */
    public static void restrictChildren(Path folder, Set<Path> passable) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.toList()) {
                if (passable.contains(child)) {
                    continue;
                }
                try {
                    restrict(child);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed while we looked (a -journal file, say): nothing left to guard
                }
            }
        }
    }

    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (!Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    private static UserPrincipal me(Path anywhere) throws IOException {
        return anywhere.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(
                System.getProperty("user.name"));
    }
}
