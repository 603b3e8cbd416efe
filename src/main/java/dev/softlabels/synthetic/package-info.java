/**
 * The paper's synthetic dataset and its simulated annotators: {@link
 * dev.softlabels.synthetic.GenerateJob} renders red/green/blue circles and ellipses with colour and
 * shape interpolations and their exact soft labels, sharded across executors; {@link
 * dev.softlabels.synthetic.AnnotateJob} draws votes from a pool of {@link
 * dev.softlabels.synthetic.Annotator}s (reliable, spammers, swappers, one-sided) on any label
 * table.
 *
 * <p>Public: the two jobs and their settings, {@link dev.softlabels.synthetic.Shape}, {@link
 * dev.softlabels.synthetic.Annotator} and {@link dev.softlabels.synthetic.SyntheticClasses}.
 */
package dev.softlabels.synthetic;
