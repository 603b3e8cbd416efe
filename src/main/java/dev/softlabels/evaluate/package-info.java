/**
 * Scoring a trained model on a label table: distributed macro accuracy and KL(soft truth ‖
 * prediction) with the paper's 1e-5 clipping, ECE and NLL, and the confidence bins of the ECE drawn
 * as reliability diagrams. Public: {@link dev.softlabels.evaluate.EvaluateJob}, {@link
 * dev.softlabels.evaluate.EvaluateSettings} and {@link dev.softlabels.evaluate.ReliabilityDiagram}.
 */
package dev.softlabels.evaluate;
