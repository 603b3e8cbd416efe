package dev.softlabels.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {

  @Test
  void leavesAPlainWordAsItIs() {
    assertThat(ShellQuote.word("cat,dog,fox")).isEqualTo("cat,dog,fox");
    assertThat(ShellQuote.word("s3a://bucket/store-1")).isEqualTo("s3a://bucket/store-1");
  }

  @Test
  void singleQuotesSpacesAndShellCharacters() {
    assertThat(ShellQuote.word("Golden Retriever,cat,dog")).isEqualTo("'Golden Retriever,cat,dog'");
    assertThat(ShellQuote.word("$HOME*")).isEqualTo("'$HOME*'");
    assertThat(ShellQuote.word("")).isEqualTo("''");
  }

  @Test
  void closesAndReopensTheQuotesAroundASingleQuote() {
    assertThat(ShellQuote.word("Pete's dog,cat")).isEqualTo("'Pete'\\''s dog,cat'");
  }

  /** What sh hands a program for the quoted word: the value, byte for byte. */
  @Test
  void aQuotedWordReachesAProgramUnchanged() throws Exception {
    for (String value :
        new String[] {"Golden Retriever,cat", "Pete's dog", "a\"b $x `y` *", "it''s"}) {
      Process sh = new ProcessBuilder("sh", "-c", "printf %s " + ShellQuote.word(value)).start();
      String received = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(sh.waitFor()).isZero();
      assertThat(received).isEqualTo(value);
    }
  }
}
