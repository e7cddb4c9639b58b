package ml

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Dataset is training or validation data: a dense matrix of features
// (NaN for missing), the targets and optional sample weights. Features
// listed in Categorical hold category codes: non-negative integers (zone
// ids, vendor codes); any other value is treated as missing.
type Dataset struct {
	cols         [][]float64 // feature columns
	Labels       []float64
	Weights      []float64 // nil: every row weighs 1
	FeatureNames []string
	Categorical  []int
}

// NewDataset returns a Dataset of the rows of x (rows by features) with
// targets y. names may be nil (features are then named f0, f1, ...);
// weights may be nil. x is copied into columns.
func NewDataset(x mat.Matrix, y, weights []float64, names []string, categorical []int) (*Dataset, error) {
	r, c := x.Dims()
	cols := make([][]float64, c)
	for j := range cols {
		cols[j] = make([]float64, r)
	}
	if raw, ok := x.(mat.RawMatrixer); ok {
		rm := raw.RawMatrix()
		for i := range r {
			row := rm.Data[i*rm.Stride : i*rm.Stride+c]
			for j, v := range row {
				cols[j][i] = v
			}
		}
	} else {
		for i := range r {
			for j := range c {
				cols[j][i] = x.At(i, j)
			}
		}
	}
	return NewDatasetColumns(cols, y, weights, names, categorical)
}

// NewDatasetColumns returns a Dataset of feature columns (each of len(y)
// values), which it keeps without copying.
func NewDatasetColumns(cols [][]float64, y, weights []float64, names []string, categorical []int) (*Dataset, error) {
	n := len(y)
	if len(cols) == 0 {
		return nil, fmt.Errorf("ml: dataset: no features")
	}
	for j, c := range cols {
		if len(c) != n {
			return nil, fmt.Errorf("ml: dataset: feature %d has %d rows, the targets %d", j, len(c), n)
		}
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("ml: dataset: target of row %d is %v", i, v)
		}
	}
	if weights != nil {
		if len(weights) != n {
			return nil, fmt.Errorf("ml: dataset: %d weights for %d rows", len(weights), n)
		}
		for i, w := range weights {
			if !(w >= 0) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("ml: dataset: weight of row %d is %v", i, w)
			}
		}
	}
	if names == nil {
		names = make([]string, len(cols))
		for j := range names {
			names[j] = fmt.Sprintf("f%d", j)
		}
	}
	if len(names) != len(cols) {
		return nil, fmt.Errorf("ml: dataset: %d names for %d features", len(names), len(cols))
	}
	cat := slices.Clone(categorical)
	slices.Sort(cat)
	cat = slices.Compact(cat)
	for _, j := range cat {
		if j < 0 || j >= len(cols) {
			return nil, fmt.Errorf("ml: dataset: categorical feature %d out of range (%d features)", j, len(cols))
		}
	}
	return &Dataset{cols: cols, Labels: y, Weights: weights, FeatureNames: slices.Clone(names), Categorical: cat}, nil
}

// NumRows returns the number of rows.
func (d *Dataset) NumRows() int { return len(d.Labels) }

// NumFeatures returns the number of features.
func (d *Dataset) NumFeatures() int { return len(d.cols) }

// Column returns feature j's values (not a copy).
func (d *Dataset) Column(j int) []float64 { return d.cols[j] }

// Row copies row i into dst (len NumFeatures) and returns it.
func (d *Dataset) Row(i int, dst []float64) []float64 {
	if len(dst) < len(d.cols) {
		dst = make([]float64, len(d.cols))
	}
	for j, c := range d.cols {
		dst[j] = c[i]
	}
	return dst[:len(d.cols)]
}

// isCategorical reports whether feature j is categorical.
func (d *Dataset) isCategorical(j int) bool {
	_, ok := slices.BinarySearch(d.Categorical, j)
	return ok
}

// hasWeight reports whether the rows' weights sum to more than 0 (true
// without weights when there are rows).
func (d *Dataset) hasWeight() bool {
	if d.Weights == nil {
		return d.NumRows() > 0
	}
	for _, w := range d.Weights {
		if w > 0 {
			return true
		}
	}
	return false
}
