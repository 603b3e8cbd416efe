/**
 * Nightly relabeling: one night's annotation rows folded into a versioned label store (a Delta
 * table whose commit history is the ledger of applied nights), its change report and
 * needs-annotations ranking.
 *
 * <p>Public: {@link dev.softlabels.relabel.RelabelJob} and {@link
 * dev.softlabels.relabel.RelabelSettings} (the job), {@link dev.softlabels.relabel.LabelStore} (the
 * store: read, export, compact, and the session settings its tables need) and {@link
 * dev.softlabels.relabel.Night} (a ledger entry). Delta is reached through {@code DeltaTables}
 * only, the one class that imports it (docs/relabel.md, "Delta upgrades").
 */
package dev.softlabels.relabel;
