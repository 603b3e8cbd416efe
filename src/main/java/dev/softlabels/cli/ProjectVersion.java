package dev.softlabels.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What --version prints on every command: the project version Maven filled into version.properties.
 */
final class ProjectVersion implements IVersionProvider {

  @Override
  public String[] getVersion() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
      properties.load(in);
    }
    return new String[] {"softlabels " + properties.getProperty("version")};
  }
}
