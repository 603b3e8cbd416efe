/**
 * t-SNE of a trained network's global-average-pool features and its PNG scatter plots: {@link
 * dev.softlabels.embed.EmbedJob} (with {@link dev.softlabels.embed.EmbedSettings}) and {@link
 * dev.softlabels.embed.ScatterPlots}, which the reproduce report also draws with. The t-SNE itself
 * and the colours are package-private.
 */
package dev.softlabels.embed;
