/**
 * Scoring a trained model on a label table: distributed macro accuracy and KL(soft truth ‖
 * prediction) with the paper's 1e-5 clipping, ECE and NLL. Public: {@link
 * dev.softlabels.evaluate.EvaluateJob} and {@link dev.softlabels.evaluate.EvaluateSettings}.
 */
package dev.softlabels.evaluate;
