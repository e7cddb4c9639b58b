// Package ml trains and serves gradient-boosted regression trees in Go,
// with linear baselines and regression metrics. It is generic: it knows
// nothing of taxis.
//
// # Training
//
// Train fits a histogram-based gradient-boosting model, the method of
// LightGBM and XGBoost's hist: every feature is binned once (up to 255
// quantile bins plus a missing bin, Params.MaxBin), the binned data takes
// one byte per row and feature, and each split is found from per-node
// gradient/hessian histograms, built for the smaller child only and
// derived for the larger by subtraction. Trees grow leaf-wise
// (Params.NumLeaves, LightGBM) or depth-wise (Params.MaxDepth, XGBoost),
// with LightGBM's regularization (LambdaL1, LambdaL2, MinGainToSplit,
// MinDataInLeaf, MinSumHessianInLeaf, MaxDeltaStep), row bagging, feature
// sampling, monotone constraints, learned directions for missing values,
// and LightGBM's categorical splits (categories sorted by their gradient
// statistics, the best prefix sent left). Objectives: squared, absolute,
// Huber, quantile, Poisson and Tweedie losses, each starting from its
// optimal constant (mean, median, quantile, log-mean). Validation sets are
// scored every round (History) and can stop training early.
//
// Parameter names and defaults follow LightGBM's. A model depends on the
// data, the parameters and the seed only: histograms are summed over
// fixed row chunks in a fixed order, so the number of threads changes
// speed, not the model.
//
// # Models
//
// A Model holds flat trees in XGBoost's JSON layout (Tree). Prediction is
// allocation-free per row, or parallel over a matrix (PredictBatch). Train
// and the model readers compile the trees for prediction (Compile): a row
// is first mapped to bins (its rank among the model's thresholds on each
// feature, its category, or a missing bin), then sixteen trees are walked
// at once, every node a bit test whatever its kind, so that no branch
// depends on the data; on amd64 the walk is in assembly (build tag purego
// for the portable Go one, which gives the same results).
// Metrics (RMSE, MAE, R2, MAPE, pinball, Poisson and Tweedie deviance,
// Huber) and linear baselines (FitOLS, FitRidge) help choose between
// models.
package ml
