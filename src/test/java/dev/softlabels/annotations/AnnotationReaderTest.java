package dev.softlabels.annotations;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.aggregate.AggregateJobTest;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import dev.softlabels.testing.WindowValidation;
import dev.softlabels.votes.VoteValidation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class AnnotationReaderTest {

  @TempDir Path dir;

  private static AnnotationSource source(Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put("softlabels.classes", List.of("cat", "dog", "fox"));
    return AnnotationSource.from(ConfigLoader.withOverrides(overrides));
  }

  private static Dataset<Row> read(SparkSession spark, Path input, Map<String, Object> extra) {
    return AnnotationReader.read(spark, source(extra), input.toString());
  }

  /** The canonical rows as image|annotator|label|raw_record|file_order, in input order. */
  private static List<String> rows(Dataset<Row> raw) {
    return raw
        .orderBy(col(AnnotationReader.FILE_ORDER), col(AnnotationReader.ROW_ORDER))
        .select(
            LabelColumns.IMAGE,
            LabelColumns.ANNOTATOR,
            LabelColumns.LABEL,
            AnnotationReader.RAW_RECORD,
            AnnotationReader.FILE_ORDER)
        .collectAsList()
        .stream()
        .map(
            r ->
                r.getString(0)
                    + "|"
                    + r.getString(1)
                    + "|"
                    + r.getString(2)
                    + "|"
                    + r.getString(3)
                    + "|"
                    + r.get(4))
        .toList();
  }

  /** image|reason of every row, in input order (reason null for a usable vote). */
  private static List<String> reasons(Dataset<Row> raw) {
    return WindowValidation.classify(
            raw, source(Map.of()).givenClasses().orElseThrow(), LabelEncoding.AUTO)
        .orderBy(col(AnnotationReader.FILE_ORDER), col(AnnotationReader.ROW_ORDER))
        .select(LabelColumns.IMAGE, VoteValidation.REASON)
        .collectAsList()
        .stream()
        .map(r -> r.getString(0) + "|" + r.getString(1))
        .toList();
  }

  private Path bytes(String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part);
    }
    return Files.write(dir.resolve(name), out.toByteArray());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void eachFileIsMappedByItsOwnHeader(SparkSession spark) throws IOException {
    Path nights = Files.createDirectories(dir.resolve("nights"));
    TestFiles.write(nights, "a.csv", "image_id,annotator_id,label", "img1,u1,cat");
    // The second night's export puts the annotator first, and comes compressed.
    try (GZIPOutputStream out =
        new GZIPOutputStream(Files.newOutputStream(nights.resolve("b.csv.gz")))) {
      out.write(ascii("annotator_id,image_id,label\nu2,img2,dog\n"));
    }

    assertThat(rows(read(spark, nights, Map.of())))
        .containsExactly("img1|u1|cat|null|0", "img2|u2|dog|null|1");
  }

  @Test
  void aFileWhoseHeaderLacksAColumnIsRefusedByName(SparkSession spark) throws IOException {
    Path nights = Files.createDirectories(dir.resolve("nights"));
    TestFiles.write(nights, "a.csv", "image_id,annotator_id,label", "img1,u1,cat");
    Path broken = TestFiles.write(nights, "b.csv", "annotator_id,label", "u2,dog");

    // Refused when the rows are declared, before any Spark job runs.
    assertThatThrownBy(() -> read(spark, nights, Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "column 'image_id' (softlabels.annotations.columns.image) not found in "
                + "file:"
                + broken
                + "; its columns are [annotator_id, label]");
  }

  @Test
  void bytesTheEncodingCannotDecodeAreQuarantinedInsteadOfMergingIds(SparkSession spark)
      throws IOException {
    // café and cafè in ISO-8859-1: both invalid UTF-8, so decoded with replacement they were one
    // id.
    Path latin1 =
        bytes(
            "latin1.csv",
            ascii("image_id,annotator_id,label\ncaf"),
            new byte[] {(byte) 0xe9},
            ascii(",u1,cat\ncaf"),
            new byte[] {(byte) 0xe8},
            ascii(",u1,dog\nplain,u1,fox\n"));

    assertThat(reasons(read(spark, latin1, Map.of())))
        .containsExactly("caf\uFFFD|undecodable_text", "caf\uFFFD|undecodable_text", "plain|null");
    assertThat(
            reasons(
                read(spark, latin1, Map.of("softlabels.annotations.csv.encoding", "ISO-8859-1"))))
        .containsExactly("café|null", "cafè|null", "plain|null");
  }

  @Test
  void parquetIdsThatAnEarlierDecodingDamagedAreQuarantinedToo(SparkSession spark) {
    // What a CSV-to-Parquet step that decoded with replacement leaves of café and cafè.
    Path parquet = dir.resolve("votes.parquet");
    spark
        .createDataFrame(
            List.of(
                new AggregateJobTest.Vote("caf\uFFFD", "u1", "cat"),
                new AggregateJobTest.Vote("caf\uFFFD", "u1", "dog"),
                new AggregateJobTest.Vote("plain", "u1", "fox")),
            AggregateJobTest.Vote.class)
        .coalesce(1)
        .write()
        .parquet(parquet.toString());

    assertThat(reasons(read(spark, parquet, Map.of())))
        .containsExactly("caf\uFFFD|undecodable_text", "caf\uFFFD|undecodable_text", "plain|null");
  }

  @Test
  void aQuotedFieldWithLineBreaksIsOneRecord(SparkSession spark) {
    Path input =
        TestFiles.write(
            dir,
            "multiline.csv",
            "image_id,annotator_id,label,comment",
            "a,u1,cat,plain",
            "\"img",
            "2\",u2,dog,\"two",
            "lines, and a comma\"",
            "c,u3,fox,",
            "d,u4,cat,\"say \"\"hi\"\"\"");

    assertThat(rows(read(spark, input, Map.of())))
        .containsExactly(
            "a|u1|cat|null|0", "img\n2|u2|dog|null|0", "c|u3|fox|null|0", "d|u4|cat|null|0");
  }

  @Test
  void aRecordWithTensOfThousandsOfFieldsIsQuarantinedNotFatal(SparkSession spark) {
    String wide = "b,u2,dog" + ",x".repeat(29_997);
    Path input =
        TestFiles.write(
            dir, "wide.csv", "image_id,annotator_id,label", "a,u1,cat", wide, "c,u3,fox");

    Dataset<Row> raw = read(spark, input, Map.of());

    assertThat(rows(raw))
        .containsExactly("a|u1|cat|null|0", "b|u2|dog|" + wide + "|0", "c|u3|fox|null|0");
    assertThat(reasons(raw)).containsExactly("a|null", "b|unparsable_row", "c|null");
  }

  @Test
  void headerlessFilesAreReadByPositionWithTheConfiguredDelimiterAndEncoding(SparkSession spark)
      throws IOException {
    Path input =
        bytes(
            "votes.txt",
            ascii("u1;caf"),
            new byte[] {(byte) 0xe9},
            ascii(";cat\r\nu2;b;\"d\r\nog\"\r\n"));

    Dataset<Row> raw =
        read(
            spark,
            input,
            Map.of(
                "softlabels.annotations.csv.header", false,
                "softlabels.annotations.csv.delimiter", ";",
                "softlabels.annotations.csv.encoding", "ISO-8859-1",
                "softlabels.annotations.columns.image", "_c1",
                "softlabels.annotations.columns.annotator", "_c0",
                "softlabels.annotations.columns.label", "_c2"));

    assertThat(rows(raw)).containsExactly("café|u1|cat|null|0", "b|u2|d\r\nog|null|0");
  }

  @Test
  void encodingsThatDoNotWriteAsciiAsSingleBytesAndWideDelimitersAreRefused() {
    assertThatThrownBy(() -> source(Map.of("softlabels.annotations.csv.encoding", "UTF-16")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "encoding UTF-16 (softlabels.annotations.csv.encoding) is not supported: CSV input needs one "
                + "in which ASCII characters are single bytes, such as UTF-8 or ISO-8859-1");
    assertThatThrownBy(() -> source(Map.of("softlabels.annotations.csv.encoding", "klingon")))
        .isInstanceOf(UserError.class)
        .hasMessage("unknown encoding 'klingon' (softlabels.annotations.csv.encoding)");
    assertThatThrownBy(() -> source(Map.of("softlabels.annotations.csv.delimiter", "||")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "softlabels.annotations.csv.delimiter must be one ASCII character other than a quote or a "
                + "line break, not '||'");
    assertThat(source(Map.of("softlabels.annotations.csv.delimiter", "\\t")).csvDelimiter())
        .isEqualTo("\t");
  }

  /** One Parquet file of votes, written by Spark into {@code folder}. */
  private static Path parquetFile(SparkSession spark, Path folder) throws IOException {
    spark
        .createDataFrame(
            List.of(new AggregateJobTest.Vote("img1", "u1", "cat")), AggregateJobTest.Vote.class)
        .coalesce(1)
        .write()
        .parquet(folder.toString());
    try (java.util.stream.Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".parquet"))
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void aFolderOfSubFoldersThatAreNoPartitionsIsRefusedByName(SparkSession spark)
      throws IOException {
    Path input = dir.resolve("nested");
    parquetFile(spark, input.resolve("a"));
    parquetFile(spark, input.resolve("b"));

    assertThatThrownBy(() -> read(spark, input, Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessage(
            input
                + " holds the sub-folders a/ and b/, which are not partitions (name=value): give one of "
                + "them as the input, or move their files into one folder");
  }

  @Test
  void aSageMakerJobFolderWithoutItsFormatIsNamed(SparkSession spark) {
    Path job = Path.of("examples/sagemaker-gt/animals-job");

    assertThatThrownBy(() -> read(spark, job, Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessage(
            job
                + " is a SageMaker Ground Truth job's output folder: read it with --format sagemaker-gt");
  }

  @Test
  void aCsvFileReadAsParquetIsNamed(SparkSession spark) {
    Path input = TestFiles.write(dir, "votes.csv", "image_id,annotator_id,label", "img1,u1,cat");

    assertThatThrownBy(() -> read(spark, input, Map.of("softlabels.annotations.format", "parquet")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            input
                + " is not Parquet (it starts with 'image_id,annotator_id,label', not PAR1): "
                + "for CSV pass --format csv");
  }

  @Test
  void aParquetFileReadAsCsvIsNamedWithoutItsBytes(SparkSession spark) throws IOException {
    Path input = parquetFile(spark, dir.resolve("parquet"));

    assertThatThrownBy(() -> read(spark, input, Map.of("softlabels.annotations.format", "csv")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "file:"
                + input
                + " is a Parquet file (it starts with PAR1), not CSV: pass --format parquet");
  }

  /**
   * Hadoop's checksummed local file system cannot open a name with a colon (its .crc sibling's
   * name).
   */
  @Test
  void filesNamedWithAColonAreRead(SparkSession spark) throws IOException {
    Path nights = Files.createDirectories(dir.resolve("inbox"));
    Path csv =
        TestFiles.write(
            nights, "2026-11-01T10:00.csv", "image_id,annotator_id,label", "img1,u1,cat");
    TestFiles.write(nights, "2026-11-01T22:00.csv", "image_id,annotator_id,label", "img2,u2,dog");
    Path json =
        TestFiles.write(
            dir,
            "2026-11-02T10:00.json",
            "{\"image_id\":\"img3\",\"annotator_id\":\"u3\",\"label\":\"fox\"}");
    Path parquet =
        Files.copy(
            parquetFile(spark, dir.resolve("parquet")), dir.resolve("2026-11-03T10:00.parquet"));

    assertThat(rows(read(spark, csv, Map.of()))).containsExactly("img1|u1|cat|null|0");
    assertThat(rows(read(spark, nights, Map.of())))
        .containsExactly("img1|u1|cat|null|0", "img2|u2|dog|null|1");
    assertThat(rows(read(spark, json, Map.of()))).containsExactly("img3|u3|fox|null|0");
    assertThat(rows(read(spark, parquet, Map.of()))).containsExactly("img1|u1|cat|null|0");
  }
}
