package dev.softlabels.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * An integration test that needs more than the JDK and Maven: Chromium, Jupyter, a standalone Spark
 * cluster or an S3 server. {@code -DexcludedGroups=environment} (with {@code mvn verify}) leaves it
 * out. Tag {@value #TAG}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Environment.TAG)
public @interface Environment {
  String TAG = "environment";
}
