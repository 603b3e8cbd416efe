/**
 * Truth inference: the EM engine ({@code Em} over votes cached as {@link
 * dev.softlabels.truth.VoteBlocks}) and the methods it runs (Dawid–Skene, one-coin Dawid–Skene,
 * GLAD, MACE, Wawa), each one plain-Java class. Depends on the label table's contract and config
 * alone. The way in is {@link dev.softlabels.truth.TruthInferences#fit}, which gives a {@link
 * dev.softlabels.truth.TruthInferences.Fit}: the label rows, the annotators table and the figures
 * of the fit. Public besides: {@link dev.softlabels.truth.EmSettings} and {@link
 * dev.softlabels.truth.ClassPrior} (the settings), {@link dev.softlabels.truth.ConfusionColumn}
 * (the annotators tables' confusion column, shared with the annotate job), and {@link
 * dev.softlabels.truth.VoteBlocks}, whose label rows the aggregate job writes.
 */
package dev.softlabels.truth;
