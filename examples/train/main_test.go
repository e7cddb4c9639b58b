package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/magnumopus/opus/ml"
)

// writeCSV writes n rows of y = 10 sin(x) + zone effect + noise.
func writeCSV(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	effect := []float64{0, 5, -4, 2, 7}
	var b strings.Builder
	b.WriteString("x,zone,noise,y\n")
	for range n {
		x, z := rng.Float64()*6, rng.IntN(len(effect))
		xs := fmt.Sprint(x)
		if rng.Float64() < 0.05 {
			xs = "" // missing
			x = 3
		}
		fmt.Fprintf(&b, "%s,%d,%v,%v\n", xs, z, rng.NormFloat64(), 10*math.Sin(x)+effect[z]+rng.NormFloat64()*0.5)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestGBM(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	writeCSV(t, train, 4000, 1)
	writeCSV(t, test, 1000, 2)
	model, xgb := filepath.Join(dir, "model.json"), filepath.Join(dir, "model.xgb.json")
	code, out, errOut := runCLI("gbm", "-train", train, "-test", test, "-target", "y", "-categorical", "zone",
		"-rounds", "300", "-early-stopping", "20", "-num-leaves", "15", "-save", model, "-export-xgboost", xgb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	for _, k := range []string{"train_seconds", "rounds", "test_rmse", "test_mae", "test_r2"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("output lacks %q: %s", k, out)
		}
	}
	if rmse := rep["test_rmse"].(float64); rmse > 0.9 || rep["test_r2"].(float64) < 0.95 {
		t.Errorf("test RMSE %v, R² %v", rmse, rep["test_r2"])
	}
	if r := rep["rounds"].(float64); r <= 0 || r >= 300 || rep["valid_rows"].(float64) != 400 {
		t.Errorf("rounds %v, validation rows %v: early stopping on the held-out tenth", r, rep["valid_rows"])
	}
	// The saved model predicts the test file as the report says.
	data, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	var m ml.Model
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	tab, err := readCSV(test)
	if err != nil {
		t.Fatal(err)
	}
	d, err := tab.dataset("y", []string{"x", "zone", "noise"}, []string{"zone"}, false)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, d.NumRows())
	for i := range p {
		p[i] = m.Predict(d.Row(i, nil))
	}
	if got := ml.RMSE(d.Labels, p, nil); math.Abs(got-rep["test_rmse"].(float64)) > 1e-9 {
		t.Errorf("saved model's RMSE %v, reported %v", got, rep["test_rmse"])
	}
	if fi, err := os.Stat(xgb); err != nil || fi.Size() == 0 {
		t.Errorf("XGBoost export: %v", err)
	}
}

func TestGBMErrors(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train.csv")
	writeCSV(t, train, 200, 1)
	files := map[string]string{
		"bad.csv":      "x,y\n1,2\nabc,3\n",
		"blank.csv":    "x,y\n1,2\n\n\n2,3\nabc,4\n", // blank lines: line numbers are the file's
		"dup.csv":      "a,a,y\n1,2,3\n",
		"inf.csv":      "x,y\n1,2\n\n2,+Inf\n",
		"negative.csv": "x,y\n1,2\n2,-1\n",
		"catblank.csv": "x,y\n1,2\n\n2.5,3\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	f := func(name string) string { return filepath.Join(dir, name) }
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "usage"},
		{[]string{"gbm", "-test", train, "-target", "y"}, 2, "-train is required"},
		{[]string{"gbm", "-train", train, "-test", train, "-target", "y", "-objective", "logistic"}, 2, "-objective"},
		{[]string{"gbm", "-train", train, "-test", train, "-target", "nope"}, 1, `no column "nope"`},
		{[]string{"gbm", "-train", bad, "-test", bad, "-target", "y"}, 1, "line 3, column x"},
		{[]string{"gbm", "-train", train, "-test", train, "-target", "y", "-categorical", "noise"}, 1, "not a non-negative integer"},
		{[]string{"gbm", "-train", filepath.Join(dir, "missing.csv"), "-test", train, "-target", "y"}, 1, "missing.csv"},
		{[]string{"gbm", "-train", f("blank.csv"), "-test", train, "-target", "y"}, 1, "blank.csv: line 6, column x"},
		{[]string{"gbm", "-train", f("dup.csv"), "-test", train, "-target", "y"}, 1, `column "a" appears twice`},
		{[]string{"gbm", "-train", f("inf.csv"), "-test", train, "-target", "y"}, 1, "inf.csv: line 4: target y is +Inf"},
		{[]string{"gbm", "-train", f("negative.csv"), "-test", train, "-target", "y", "-objective", "poisson"}, 1, "negative.csv: line 3: target y is -1"},
		{[]string{"gbm", "-train", f("catblank.csv"), "-test", train, "-target", "y", "-categorical", "x"}, 1, "catblank.csv: line 4, column x"},
		{[]string{"gbm", "-train", train, "-test", train, "-target", "y", "-rounds", "0"}, 2, "-rounds 0"},
		{[]string{"gbm", "-train", train, "-test", train, "-target", "y", "-learning-rate", "0"}, 2, "-learning-rate 0"},
		{[]string{"gbm", "-train", train, "-test", train, "-target", "y", "-max-depth", "0"}, 2, "-max-depth 0"},
		{[]string{"gbm", "-train", train, "-test", train, "-target", "y", "-valid", train}, 2, "-valid is only used with -early-stopping"},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}
