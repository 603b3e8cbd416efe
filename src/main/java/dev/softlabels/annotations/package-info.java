/**
 * Reading annotation rows: every input format (CSV, JSON, Parquet, and the tool exports through
 * {@link dev.softlabels.annotations.tools}) to one canonical table of image, annotator, label, raw
 * record, the tool's own reason to reject a row, and input order, with the settings that say how to
 * read it. Public: {@link dev.softlabels.annotations.AnnotationReader} (the one read), {@link
 * dev.softlabels.annotations.AnnotationSource} and {@link dev.softlabels.annotations.ExportFields}
 * (the settings), {@link dev.softlabels.annotations.InputFormat}, {@link
 * dev.softlabels.annotations.LabelEncoding}, {@link dev.softlabels.annotations.ColumnFlags} (the
 * CLI's column flags), {@link dev.softlabels.annotations.QuarantineReason} (why a row is rejected,
 * from the readers on) and {@link dev.softlabels.annotations.CsvAnnotations} (the CSV reader the
 * CSV-based tool importers share).
 */
package dev.softlabels.annotations;
