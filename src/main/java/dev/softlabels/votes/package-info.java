/**
 * From read annotation rows to counted votes: each row checked and given its class or its
 * quarantine reason, the class list inferred where none was given, the duplicate rule and each
 * image's counts in one pass, and the counts of what was used and rejected. Knows no annotator
 * model. Public: {@link dev.softlabels.votes.VoteValidation} (the checks), {@link
 * dev.softlabels.votes.ClassInference}, {@link dev.softlabels.votes.VotePass} (the one pass, for
 * the aggregate job and a relabel night), {@link dev.softlabels.votes.VoteTally} (the counts),
 * {@link dev.softlabels.votes.RejectionLimit} and {@link dev.softlabels.votes.RejectionHints} (when
 * too many rows are rejected, and what to do about it).
 */
package dev.softlabels.votes;
