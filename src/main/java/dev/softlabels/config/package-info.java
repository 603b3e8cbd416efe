/**
 * Configuration and the error types every package shares: loading {@code reference.conf}, the
 * user's file and {@code -D}/flag overrides into one validated {@code Config}, and the exceptions
 * that mean "the user must change something" ({@link dev.softlabels.config.UserError}) or "the data
 * cannot give a trustworthy output" ({@link dev.softlabels.config.DataRejected}, its own exit
 * code).
 *
 * <p>Public: {@link dev.softlabels.config.ConfigLoader}, {@link dev.softlabels.config.Choices} (a
 * setting with a fixed set of values), {@link dev.softlabels.config.UserError}, {@link
 * dev.softlabels.config.DataRejected}, {@link dev.softlabels.config.Json} (summary files) and
 * {@link dev.softlabels.config.ShellQuote} (commands quoted for a shell in messages). It depends on
 * no other package of the project.
 */
package dev.softlabels.config;
