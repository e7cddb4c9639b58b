package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/magnumopus/opus/ml"
)

// table is a CSV file's numeric columns.
type table struct {
	path   string
	header []string
	cols   [][]float64
	lines  []int // the file line each row starts on
}

// readCSV reads a CSV file with a header row. Every value must be a
// number; an empty field, NA, NaN or null is missing (NaN).
func readCSV(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	for j, name := range header {
		if k := slices.Index(header[:j], name); k >= 0 {
			return nil, fmt.Errorf("%s: header: column %q appears twice (columns %d and %d)", path, name, k+1, j+1)
		}
	}
	t := &table{path: path, header: slices.Clone(header), cols: make([][]float64, len(header))}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		// The reader's own line numbers: blank lines are skipped and a
		// quoted field may span lines, so counting records would drift.
		line, _ := r.FieldPos(0)
		t.lines = append(t.lines, line)
		for j, s := range rec {
			v, err := parseValue(s)
			if err != nil {
				l, _ := r.FieldPos(j)
				return nil, fmt.Errorf("%s: line %d, column %s: %q is not a number", path, l, t.header[j], s)
			}
			t.cols[j] = append(t.cols[j], v)
		}
	}
	if len(t.cols) == 0 || len(t.cols[0]) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return t, nil
}

func parseValue(s string) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "na", "nan", "null":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

func (t *table) column(name string) (int, error) {
	i := slices.Index(t.header, name)
	if i < 0 {
		return 0, fmt.Errorf("%s: no column %q (columns: %s)", t.path, name, strings.Join(t.header, ", "))
	}
	return i, nil
}

// dataset returns the table as an ml.Dataset: target is the label, every
// other column a feature (in the order of features, the training file's).
// nonNegative rejects negative targets (the Poisson and Tweedie
// objectives).
func (t *table) dataset(target string, features, categorical []string, nonNegative bool) (*ml.Dataset, error) {
	ti, err := t.column(target)
	if err != nil {
		return nil, err
	}
	y := t.cols[ti]
	for i, v := range y {
		switch {
		case math.IsNaN(v):
			return nil, fmt.Errorf("%s: line %d: target %s is missing", t.path, t.lines[i], target)
		case math.IsInf(v, 0):
			return nil, fmt.Errorf("%s: line %d: target %s is %v", t.path, t.lines[i], target, v)
		case v < 0 && nonNegative:
			return nil, fmt.Errorf("%s: line %d: target %s is %v, and the objective needs values >= 0", t.path, t.lines[i], target, v)
		}
	}
	cols := make([][]float64, len(features))
	for k, name := range features {
		j, err := t.column(name)
		if err != nil {
			return nil, err
		}
		cols[k] = t.cols[j]
	}
	var cat []int
	for _, c := range categorical {
		k := slices.Index(features, c)
		if k < 0 {
			return nil, fmt.Errorf("-categorical: %q is not a feature column", c)
		}
		for i, v := range cols[k] {
			if !math.IsNaN(v) && (v < 0 || v != math.Trunc(v)) {
				return nil, fmt.Errorf("%s: line %d, column %s: categorical value %v is not a non-negative integer code", t.path, t.lines[i], c, v)
			}
		}
		cat = append(cat, k)
	}
	return ml.NewDatasetColumns(cols, y, nil, features, cat)
}
