package dev.softlabels.it;

/**
 * What integration-test classes running in parallel share and take turns at
 * ({@code @ResourceLock(SharedResources.X)}).
 */
final class SharedResources {

  /**
   * bin/local-cluster's state folder (target/local-cluster: PIDs, logs) and its Spark jars' first
   * link.
   */
  static final String LOCAL_CLUSTER = "bin/local-cluster";

  /** bin/with-s3mock's jar, which its first use downloads into target/s3mock. */
  static final String S3MOCK = "bin/with-s3mock";

  private SharedResources() {}
}
