package dev.softlabels.votes;

import dev.softlabels.annotations.AnnotationReader.ReadRow;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Rows read on the driver spread over files on local disk by image, so that a pass can take the
 * rows of a share of the images at a time ({@link VotePass#onDriver}) and hold no more than that
 * share in memory, however large the input: the shuffle of a Spark pass, for one JVM. Each writer
 * (one per reading task) has a file per bucket; a bucket is read back whole, from every writer's
 * file. The folder is removed when closed.
 */
public final class VoteBuckets implements AutoCloseable {

  /** Buffer of each open bucket file. */
  private static final int BUFFER_BYTES = 32 * 1024;

  private final Path folder;
  private final int buckets;
  private final List<Writer> writers = new ArrayList<>();

  /** Removes the folder when the JVM stops before {@link #close} (a run stopped by a signal). */
  private final Thread removal;

  private VoteBuckets(Path folder, int buckets) {
    this.folder = folder;
    this.buckets = buckets;
    this.removal = new Thread(this::removeWhileStopping, "softlabels-votes-removal");
    Runtime.getRuntime().addShutdownHook(removal);
  }

  /** {@code buckets} buckets in a new folder under {@code parent}. */
  public static VoteBuckets create(Path parent, int buckets) {
    try {
      Files.createDirectories(parent);
      return new VoteBuckets(Files.createTempDirectory(parent, "softlabels-votes-"), buckets);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder for the votes under " + parent, e);
    }
  }

  public int buckets() {
    return buckets;
  }

  /** A writer of its own for one reading task (one thread). */
  public synchronized Writer writer() {
    Writer writer = new Writer(writers.size());
    writers.add(writer);
    return writer;
  }

  /** Every row written to {@code bucket}, after every writer is closed. */
  public List<ReadRow> read(int bucket) {
    List<ReadRow> rows = new ArrayList<>();
    for (Writer writer : writers) {
      Path file = writer.file(bucket);
      if (!Files.exists(file)) {
        continue;
      }
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES))) {
        while (true) {
          String image;
          try {
            image = readText(in);
          } catch (EOFException end) {
            break;
          }
          rows.add(
              new ReadRow(
                  image,
                  readText(in),
                  readText(in),
                  readText(in),
                  readText(in),
                  in.readInt(),
                  in.readLong()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return rows;
  }

  /** The bucket of an image: all of an image's rows are in one. */
  int bucketOf(String image) {
    // Mixed, and its high bits folded into the low ones: ids that differ only in their last
    // characters would otherwise crowd a few buckets.
    int hash = (image == null ? 0 : image.hashCode()) * 0x9E3779B9;
    return Math.floorMod(hash ^ (hash >>> 16), buckets);
  }

  @Override
  public void close() {
    for (Writer writer : writers) {
      writer.close();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(removal);
    } catch (IllegalStateException stopping) {
      // The JVM is stopping: the hook removes the folder.
      return;
    }
    removeFolder();
  }

  private void removeWhileStopping() {
    try {
      removeFolder();
    } catch (UncheckedIOException e) {
      // Best effort: a writer may still be adding a file as the JVM stops.
      System.err.println("softlabels: " + e.getMessage());
    }
  }

  private void removeFolder() {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + folder, e);
    }
  }

  /** One task's rows into the buckets. */
  public final class Writer implements AutoCloseable {
    private final int index;
    private final DataOutputStream[] out = new DataOutputStream[buckets];

    private Writer(int index) {
      this.index = index;
    }

    private Path file(int bucket) {
      return folder.resolve(index + "-" + bucket);
    }

    public void add(ReadRow row) {
      int bucket = bucketOf(row.image());
      try {
        if (out[bucket] == null) {
          out[bucket] =
              new DataOutputStream(
                  new BufferedOutputStream(Files.newOutputStream(file(bucket)), BUFFER_BYTES));
        }
        DataOutputStream to = out[bucket];
        writeText(to, row.image());
        writeText(to, row.annotator());
        writeText(to, row.label());
        writeText(to, row.rawRecord());
        writeText(to, row.toolReason());
        to.writeInt(row.fileOrder());
        to.writeLong(row.rowOrder());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file(bucket), e);
      }
    }

    @Override
    public void close() {
      for (int bucket = 0; bucket < buckets; bucket++) {
        if (out[bucket] != null) {
          try {
            out[bucket].close();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file(bucket), e);
          }
          out[bucket] = null;
        }
      }
    }
  }

  private static void writeText(DataOutputStream out, String text) throws IOException {
    if (text == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readText(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
