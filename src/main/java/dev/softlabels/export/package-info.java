/**
 * {@code to-csv}: any label table, annotator table or label store as CSV with one column per class,
 * named by class. Public: {@link dev.softlabels.export.ToCsvJob}.
 */
package dev.softlabels.export;
