package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped scheduling examples run as their scheduler runs them: the Airflow DAG's JVM options
 * (conf/airflow/softlabels_relabel.py) start a JVM, and the crontab line of docs/operations.md
 * applies a night.
 */
@Order(6)
class SchedulingIT {

  private static final Path DAG = LauncherIT.HOME.resolve("conf/airflow/softlabels_relabel.py");
  private static final Path JVM_PROPERTIES = LauncherIT.HOME.resolve("conf/jvm.properties");

  @TempDir Path dir;

  /**
   * Airflow cannot be installed here, so stub modules stand in for its DAG and SparkSubmitOperator
   * (which records what the DAG hands it), and python3 runs the DAG file itself. Prints, as JSON,
   * the operator's conf and, for each of {@code keys}, the DAG's own reading of {@code properties}.
   */
  private JsonNode runDag(Path properties, String... keys) throws Exception {
    Path stubs = dir.resolve("stubs");
    Path operators =
        Files.createDirectories(stubs.resolve("airflow/providers/apache/spark/operators"));
    for (Path pkg = operators; !pkg.equals(stubs); pkg = pkg.getParent()) {
      Files.writeString(pkg.resolve("__init__.py"), "");
    }
    Files.writeString(
        stubs.resolve("airflow/__init__.py"),
        """
        class DAG:
            def __init__(self, **kwargs):
                self.kwargs = kwargs
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                return False
        """);
    Files.writeString(
        operators.resolve("spark_submit.py"),
        """
        SUBMITTED = []
        class SparkSubmitOperator:
            def __init__(self, **kwargs):
                SUBMITTED.append(kwargs)
        """);
    Path driver =
        Files.writeString(
            dir.resolve("run_dag.py"),
            """
        import importlib.util, json, sys
        spec = importlib.util.spec_from_file_location("softlabels_relabel", sys.argv[1])
        dag = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(dag)
        from airflow.providers.apache.spark.operators.spark_submit import SUBMITTED
        print(json.dumps({"conf": SUBMITTED[0]["conf"],
                          "properties": {key: dag.java_property(sys.argv[2], key) for key in sys.argv[3:]}}))
        """);
    List<String> command =
        new ArrayList<>(
            List.of("python3", driver.toString(), DAG.toString(), properties.toString()));
    command.addAll(List.of(keys));
    ProcessBuilder python = new ProcessBuilder(command);
    python.environment().put("PYTHONPATH", stubs.toString());
    python.environment().put("SOFTLABELS_HOME", LauncherIT.HOME.toString());
    LauncherIT.Result result = LauncherIT.run(python);
    assertThat(result.exitCode()).as(result.err()).isZero();
    return new ObjectMapper().readTree(result.out());
  }

  private static Properties javaReads(Path file) throws Exception {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      properties.load(reader);
    }
    return properties;
  }

  @Test
  void theAirflowDagsJvmOptionsStartTheProjectsMainClass() throws Exception {
    JsonNode conf = runDag(JVM_PROPERTIES).get("conf");
    String options = conf.get("spark.driver.extraJavaOptions").asText();
    assertThat(conf.get("spark.executor.extraJavaOptions").asText()).isEqualTo(options);
    List<String> words = List.of(options.strip().split("\\s+"));
    assertThat(words)
        .hasSize(18)
        .startsWith(
            "-XX:+IgnoreUnrecognizedVMOptions", "--add-opens=java.base/java.lang=ALL-UNNAMED")
        .endsWith("-Djava.awt.headless=true")
        .noneMatch(word -> word.startsWith("#") || word.startsWith("jvm."));
    assertThat(words)
        .isEqualTo(
            List.of(javaReads(JVM_PROPERTIES).getProperty("jvm.module.options").split("\\s+")));

    List<String> java =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    java.addAll(words);
    java.addAll(
        List.of(
            "-cp",
            LauncherIT.HOME.resolve("target/softlabels.jar")
                + ":"
                + Files.readString(LauncherIT.HOME.resolve("target/classpath.txt")).strip(),
            "dev.softlabels.cli.SoftLabels",
            "--version"));
    LauncherIT.Result version = LauncherIT.run(new ProcessBuilder(java));
    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out()).matches("softlabels \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
  }

  /**
   * What a properties file may hold beyond one key per line, read by the DAG exactly as by
   * java.util.Properties.
   */
  @Test
  void theDagReadsAPropertiesFileAsJavaDoes() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("tricky.properties"),
            """
        # a comment that looks like a setting: jvm.module.options=-Xwrong
        ! a comment of the other kind
        first=-Xa \\
            -Xb \\
        # not a comment: the line above goes on
        spaced : -Dspaced=yes
           indented   -Dindented
        escaped\\ key=tab\\there\\u0021
        two.backslashes=-Dpath=C:\\\\\\\\
        empty=
        first=-Xlast \\
          wins
        """,
            StandardCharsets.ISO_8859_1);
    Properties java = javaReads(file);
    String[] keys = java.stringPropertyNames().toArray(String[]::new);
    JsonNode read = runDag(file, keys).get("properties");
    Map<String, String> dag = new TreeMap<>();
    read.fields().forEachRemaining(field -> dag.put(field.getKey(), field.getValue().asText()));
    Map<String, String> expected =
        new TreeMap<>(
            Map.of(
                "first", "-Xlast wins",
                "spaced", "-Dspaced=yes",
                "indented", "-Dindented",
                "escaped key", "tab\there!",
                "two.backslashes", "-Dpath=C:\\\\",
                "empty", ""));
    assertThat(dag).isEqualTo(expected);
    Map<String, String> javaValues = new TreeMap<>();
    java.stringPropertyNames().forEach(key -> javaValues.put(key, java.getProperty(key)));
    assertThat(javaValues).isEqualTo(expected);
  }

  /**
   * The crontab line of docs/operations.md as cron runs it: /bin/sh -c in another folder, cron's
   * bare environment, no --date (yesterday in UTC). The inbox also holds today's file, in case the
   * run crosses midnight.
   */
  @Test
  void theCrontabLineAppliesYesterdaysNightFromCronsBareEnvironment() throws Exception {
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    for (LocalDate night : List.of(yesterday, yesterday.plusDays(1))) {
      Files.writeString(
          inbox.resolve(night + ".csv"),
          "image_id,annotator_id,label\n"
              + "img1,a1,cat\nimg1,a2,cat\nimg2,a1,dog\nimg2,a2,dog\nimg3,a1,cat\nimg3,a2,dog\n");
    }
    Path store = dir.resolve("labels");
    String crontabCommand =
        LauncherIT.HOME.resolve("bin/relabel-nightly")
            + " --state "
            + store
            + " --inbox "
            + inbox
            + " --log-dir "
            + dir.resolve("logs");
    ProcessBuilder cron =
        new ProcessBuilder("/bin/sh", "-c", "cd " + dir + " && " + crontabCommand);
    Map<String, String> environment = cron.environment();
    environment.clear();
    // Cron's: PATH=/usr/bin:/bin (java's folder added where the JDK lives elsewhere), HOME, SHELL,
    // LOGNAME.
    environment.put("PATH", "/usr/bin:/bin:" + Path.of(System.getProperty("java.home"), "bin"));
    environment.put("HOME", System.getProperty("user.home"));
    environment.put("SHELL", "/bin/sh");
    environment.put("LOGNAME", System.getProperty("user.name"));
    LauncherIT.Result night = LauncherIT.run(cron);

    assertThat(night.exitCode()).as(night.err()).isZero();
    LocalDate applied =
        Files.exists(dir.resolve("logs/" + yesterday + ".log")) ? yesterday : yesterday.plusDays(1);
    assertThat(night.out())
        .contains("night " + applied + " applied as version 1: 6 rows read, 6 used, 0 quarantined");
  }
}
