/**
 * What every report page of the project shares: a self-contained HTML page from Markdown (inline
 * style and script, images as data: URIs, headings with anchors, tables sortable by a click on
 * their header) and charts drawn as PNG. It knows no job or figure of its own, so any package may
 * render a page with it. Public: {@link dev.softlabels.report.HtmlPage}, {@link
 * dev.softlabels.report.Charts}.
 */
package dev.softlabels.report;
