package dev.softlabels.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that trains a DL4J network: minutes of CPU, so the quick profile ({@code -Pquick}) leaves
 * it out. Tag {@value #TAG}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Training.TAG)
public @interface Training {
  String TAG = "training";
}
