package dev.softlabels.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A whole study or pipeline run (generate, annotate, aggregate, train, report) checked end to end:
 * slow, so the quick profile ({@code -Pquick}) leaves it out. Tag {@value #TAG}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Acceptance.TAG)
public @interface Acceptance {
  String TAG = "acceptance";
}
