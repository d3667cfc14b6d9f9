package dev.dockstep;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds the data folder for one dockstep at a time. Two servers on one folder would share, and
 * then stop, each other's daemon and registry; the second is refused instead. The operating
 * system drops the lock when the process dies, however it dies.
 */
final class DataLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataLock acquire(Path data) {
        Path file = data.resolve("dockstep.lock");
        try {
            FileChannel channel = FileChannel.open(dev.dockstep.files.PrivateFiles.file(file), StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StartupException("another dockstep is already using the data folder " + data
                        + "; stop it, or choose another folder with --data", null);
            }
            return new DataLock(channel, lock);
        } catch (IOException e) {
            throw new StartupException("cannot lock the data folder " + data + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // the process is ending or the file is gone; either way the lock is released
        }
    }
}
