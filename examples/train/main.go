// Command train fits models on CSV files with package ml and reports how
// they do on a test file.
//
//	go run ./examples/train gbm -train TRAIN.csv -test TEST.csv -target COL
//	    [-categorical a,b] [-objective l2|l1|huber|quantile|poisson|tweedie]
//	    [-num-leaves N] [-max-depth N] [-rounds N] [-learning-rate F]
//	    [-early-stopping N] [-threads N] [-save model.json]
//	    [-export-xgboost model.xgb.json]
//
// prints one JSON object: train_seconds, rounds (trees used), test_rmse,
// test_mae and test_r2, with the row and feature counts. Every column but
// the target is a feature; values must be numbers (empty, NA and NaN are
// missing) and categorical columns non-negative integer codes. With
// -early-stopping N, the last 10% of the training rows (or -valid FILE)
// is the validation set training stops on, never the test file.
//
// Exit status: 0 on success, 1 when training or a file fails, 2 on a
// usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/magnumopus/opus/ml"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a bad command line: exit status 2.
type usageError struct{ error }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "gbm" {
		fmt.Fprintln(stderr, "usage: train gbm -train TRAIN.csv -test TEST.csv -target COL [flags] (train gbm -h lists them)")
		return 2
	}
	err := runGBM(ctx, args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "train gbm:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "train gbm:", err)
		return 1
	}
}

// report is the JSON object train gbm prints.
type report struct {
	TrainSeconds  float64 `json:"train_seconds"`
	Rounds        int     `json:"rounds"`
	TestRMSE      float64 `json:"test_rmse"`
	TestMAE       float64 `json:"test_mae"`
	TestR2        float64 `json:"test_r2"`
	TrainRows     int     `json:"train_rows"`
	ValidRows     int     `json:"valid_rows,omitempty"`
	TestRows      int     `json:"test_rows"`
	Features      int     `json:"features"`
	Objective     string  `json:"objective"`
	Trees         int     `json:"trees"`
	BestIteration int     `json:"best_iteration,omitempty"`
}

func runGBM(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train gbm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	trainPath := fs.String("train", "", "training CSV `file` (required)")
	testPath := fs.String("test", "", "test CSV `file` (required)")
	validPath := fs.String("valid", "", "validation CSV `file` for -early-stopping (default: the last 10% of -train)")
	target := fs.String("target", "", "target `column` (required)")
	categorical := fs.String("categorical", "", "comma-separated categorical `columns` (integer codes)")
	objective := fs.String("objective", "l2", "loss: l2, l1, huber, quantile, poisson or tweedie")
	alpha := fs.Float64("alpha", 0.9, "quantile objective's quantile")
	numLeaves := fs.Int("num-leaves", 31, "leaves per tree")
	maxDepth := fs.Int("max-depth", -1, "tree depth cap (-1: none)")
	rounds := fs.Int("rounds", 100, "boosting rounds")
	lr := fs.Float64("learning-rate", 0.1, "learning rate")
	early := fs.Int("early-stopping", 0, "stop after `N` rounds without improvement on the validation set (0: off)")
	threads := fs.Int("threads", 0, "goroutines (0: all CPUs; the model does not depend on it)")
	growth := fs.String("growth", ml.GrowLeafWise, "leafwise or depthwise")
	seed := fs.Uint64("seed", 0, "seed of bagging and sampling")
	save := fs.String("save", "", "write the model as Opus JSON to `file`")
	exportXGB := fs.String("export-xgboost", "", "write the model as XGBoost JSON to `file`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	for _, req := range []struct{ name, v string }{{"-train", *trainPath}, {"-test", *testPath}, {"-target", *target}} {
		if req.v == "" {
			return usageError{fmt.Errorf("%s is required", req.name)}
		}
	}
	if !slices.Contains([]string{"l2", "l1", "huber", "quantile", "poisson", "tweedie"}, *objective) {
		return usageError{fmt.Errorf("-objective %q: want l2, l1, huber, quantile, poisson or tweedie", *objective)}
	}
	switch {
	case *rounds <= 0:
		return usageError{fmt.Errorf("-rounds %d: want at least 1", *rounds)}
	case !(*lr > 0):
		return usageError{fmt.Errorf("-learning-rate %v: want > 0", *lr)}
	case *numLeaves < 2:
		return usageError{fmt.Errorf("-num-leaves %d: want at least 2", *numLeaves)}
	case *maxDepth == 0 || *maxDepth < -1:
		return usageError{fmt.Errorf("-max-depth %d: want -1 (none) or at least 1", *maxDepth)}
	case *early < 0:
		return usageError{fmt.Errorf("-early-stopping %d: want 0 (off) or more", *early)}
	case *validPath != "" && *early == 0:
		return usageError{errors.New("-valid is only used with -early-stopping N")}
	}
	cats := splitList(*categorical)
	nonNegative := *objective == ml.ObjectivePoisson || *objective == ml.ObjectiveTweedie

	trainTab, err := readCSV(*trainPath)
	if err != nil {
		return err
	}
	testTab, err := readCSV(*testPath)
	if err != nil {
		return err
	}
	var features []string
	for _, h := range trainTab.header {
		if h != *target {
			features = append(features, h)
		}
	}
	train, err := trainTab.dataset(*target, features, cats, nonNegative)
	if err != nil {
		return err
	}
	test, err := testTab.dataset(*target, features, cats, nonNegative)
	if err != nil {
		return err
	}
	var valid []ml.EvalSet
	if *early > 0 {
		var v *ml.Dataset
		if *validPath != "" {
			vt, err := readCSV(*validPath)
			if err != nil {
				return err
			}
			if v, err = vt.dataset(*target, features, cats, nonNegative); err != nil {
				return err
			}
		} else {
			if train, v, err = holdOut(train, 0.1); err != nil {
				return err
			}
		}
		valid = []ml.EvalSet{{Name: "valid", Data: v}}
	}
	p := ml.Params{Objective: *objective, ObjectiveParams: ml.ObjectiveParams{Alpha: *alpha}, NumRounds: *rounds,
		LearningRate: *lr, NumLeaves: *numLeaves, MaxDepth: *maxDepth, Growth: *growth,
		EarlyStoppingRounds: *early, Threads: *threads, Seed: *seed}
	if *growth == ml.GrowDepthWise && !flagSet(fs, "num-leaves") {
		p.NumLeaves = 0 // depth alone caps depth-wise trees
	}
	start := time.Now()
	model, _, err := ml.Train(ctx, train, valid, p)
	if err != nil {
		return err
	}
	took := time.Since(start).Seconds()

	pred := make([]float64, test.NumRows())
	row := make([]float64, test.NumFeatures())
	for i := range pred {
		pred[i] = model.Predict(test.Row(i, row))
	}
	rep := report{TrainSeconds: took, Rounds: len(model.Trees), TestRMSE: ml.RMSE(test.Labels, pred, nil),
		TestMAE: ml.MAE(test.Labels, pred, nil), TestR2: ml.R2(test.Labels, pred, nil),
		TrainRows: train.NumRows(), TestRows: test.NumRows(), Features: train.NumFeatures(),
		Objective: model.Objective, Trees: len(model.Trees), BestIteration: model.BestIteration}
	if model.BestIteration > 0 {
		rep.Rounds = model.BestIteration
	}
	if len(valid) > 0 {
		rep.ValidRows = valid[0].Data.NumRows()
	}
	if *save != "" {
		if err := writeFile(*save, func(w io.Writer) error { return json.NewEncoder(w).Encode(model) }); err != nil {
			return err
		}
	}
	if *exportXGB != "" {
		if err := writeFile(*exportXGB, model.WriteXGBoostJSON); err != nil {
			return err
		}
	}
	return json.NewEncoder(stdout).Encode(rep)
}

// holdOut splits off the last share of d's rows as a validation set.
func holdOut(d *ml.Dataset, share float64) (*ml.Dataset, *ml.Dataset, error) {
	n := d.NumRows()
	cut := n - int(float64(n)*share)
	if cut <= 0 || cut >= n {
		return nil, nil, fmt.Errorf("-early-stopping: %d training rows are too few to hold out a validation set", n)
	}
	part := func(lo, hi int) (*ml.Dataset, error) {
		cols := make([][]float64, d.NumFeatures())
		for j := range cols {
			cols[j] = d.Column(j)[lo:hi]
		}
		return ml.NewDatasetColumns(cols, d.Labels[lo:hi], nil, d.FeatureNames, d.Categorical)
	}
	a, err := part(0, cut)
	if err != nil {
		return nil, nil, err
	}
	b, err := part(cut, n)
	return a, b, err
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
