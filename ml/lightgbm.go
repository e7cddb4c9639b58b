package ml

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// lgbZero is LightGBM's kZeroThreshold (1e-35f as a double): with missing
// type Zero, values in [-lgbZero, lgbZero] count as missing.
var lgbZero = float64(float32(1e-35))

// ReadLightGBMText reads a LightGBM model saved as text
// (Booster.save_model, model.txt; format versions v2 to v4) for
// prediction: a single-output regression ensemble for the objectives
// regression (l2), regression_l1, huber, quantile, poisson and tweedie,
// with alpha and tweedie_variance_power taken from the objective line or
// the parameters section (LightGBM's defaults 0.9 and 1.5 otherwise).
// Other objectives (binary, multiclass, gamma, fair, mape, ...),
// "regression sqrt", random forests (average_output) and linear trees
// are errors.
//
// LightGBM's leaf values already include the learning rate (shrinkage)
// and its first tree the initial score (boost_from_average), so BaseScore
// is 0. Its rule x <= threshold becomes Threshold = nextafter(threshold,
// +Inf). Missing values convert exactly where a single split can express
// them:
//
//   - missing type NaN: NaN goes the default_left direction;
//   - missing type None: LightGBM replaces NaN by 0, so DefaultLeft is
//     0 <= threshold;
//   - missing type Zero (zero_as_missing): LightGBM sends NaN and every
//     |x| <= 1e-35 the default direction. That is one split when the zero
//     interval already lies on the default side of the threshold, or the
//     threshold lies inside it; otherwise (default left with threshold <
//     -1e-35, or default right with threshold >= 1e-35) the values
//     between the threshold and zero go the other way from zero, which
//     one split cannot express, and ReadLightGBMText returns an error
//     naming the tree and node.
//
// Categorical splits keep LightGBM's orientation (the categories in the
// bitset go left) and send NaN and negative values right, as LightGBM
// does (on x86; with missing type None or Zero, LightGBM on other
// platforms may read NaN as category 0). LightGBM truncates a fractional
// category to an integer, and reads a value in (-1, 0) as category 0,
// where a Tree sends them right (the default side); integer categories
// agree. Node Values, Hessian (the weights) and Count come from the
// file's internal and leaf values, weights and counts.
func ReadLightGBMText(r io.Reader) (*Model, error) {
	m, err := readLightGBM(bufio.NewReaderSize(r, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("ml: read LightGBM model: %w", err)
	}
	m.Compile()
	return m, nil
}

// lgbTree holds one "Tree=" block's key=value lines.
type lgbTree struct {
	index  int
	fields map[string]string
}

func readLightGBM(br *bufio.Reader) (*Model, error) {
	header := map[string]string{}
	params := map[string]string{}
	var trees []lgbTree
	var cur *lgbTree
	const (
		inHeader = iota
		inTrees
		afterTrees
		inParams
	)
	state := inHeader
	first := true
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, err
		}
		if line == "" && err == io.EOF {
			break
		}
		line = strings.TrimRight(line, "\r\n")
		if first {
			if strings.TrimSpace(line) == "" {
				lineNo--
				continue
			}
			first = false
			if line != "tree" {
				return nil, fmt.Errorf("line 1 is %.40q, not \"tree\": not a LightGBM text model", line)
			}
			continue
		}
		switch {
		case state <= inTrees && strings.HasPrefix(line, "Tree="):
			k, err := strconv.Atoi(strings.TrimPrefix(line, "Tree="))
			if err != nil {
				return nil, fmt.Errorf("line %d: bad tree header %q", lineNo, line)
			}
			trees = append(trees, lgbTree{index: k, fields: map[string]string{}})
			cur = &trees[len(trees)-1]
			state = inTrees
		case line == "end of trees":
			state, cur = afterTrees, nil
		case state == afterTrees && line == "parameters:":
			state = inParams
		case state == inParams && line == "end of parameters":
			state = afterTrees
		case state == inParams:
			// [key: value]
			if s, ok := strings.CutPrefix(line, "["); ok {
				if s, ok = strings.CutSuffix(s, "]"); ok {
					if k, v, ok := strings.Cut(s, ": "); ok {
						params[k] = v
					}
				}
			}
		case state == afterTrees || strings.TrimSpace(line) == "":
		case state == inHeader:
			k, v, _ := strings.Cut(line, "=")
			header[k] = v
		default: // a tree's line
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("line %d in Tree=%d: %.40q is not key=value", lineNo, cur.index, line)
			}
			cur.fields[k] = v
		}
		if err == io.EOF {
			break
		}
	}
	if first {
		return nil, errors.New("empty input")
	}

	if _, ok := header["average_output"]; ok {
		return nil, errors.New("average_output (random forest mode) is not supported")
	}
	for _, key := range []string{"num_class", "num_tree_per_iteration"} {
		if s, ok := header[key]; ok && strings.TrimSpace(s) != "1" {
			return nil, fmt.Errorf("%s=%s: only single-output models are supported", key, s)
		}
	}
	s, ok := header["max_feature_idx"]
	if !ok {
		return nil, errors.New("no max_feature_idx line")
	}
	maxIdx, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || maxIdx < -1 {
		return nil, fmt.Errorf("bad max_feature_idx %q", s)
	}
	nf := maxIdx + 1
	m := &Model{}
	if names := strings.Fields(header["feature_names"]); len(names) == nf {
		m.FeatureNames = names
	} else if _, ok := header["feature_names"]; ok {
		return nil, fmt.Errorf("%d feature_names for max_feature_idx %d", len(names), maxIdx)
	} else {
		m.FeatureNames = make([]string, nf)
		for f := range nf {
			m.FeatureNames[f] = "Column_" + strconv.Itoa(f)
		}
	}
	isCat := make([]bool, nf)
	if infos := strings.Fields(header["feature_infos"]); len(infos) == nf {
		for f, info := range infos {
			// Numeric features read "[min:max]", unused ones "none",
			// categorical ones their categories "0:3:7".
			isCat[f] = info != "none" && !strings.HasPrefix(info, "[")
		}
	}

	obj, ok := header["objective"]
	if !ok {
		return nil, errors.New("no objective line (custom objectives are not supported)")
	}
	if m.Objective, err = lgbObjective(obj, params, &m.ObjectiveParams); err != nil {
		return nil, err
	}

	m.Trees = make([]Tree, len(trees))
	for i := range trees {
		if err := lgbConvertTree(&m.Trees[i], trees[i].fields, isCat); err != nil {
			return nil, fmt.Errorf("tree %d: %w", trees[i].index, err)
		}
	}
	for f, c := range isCat {
		if c {
			m.CategoricalFeatures = append(m.CategoricalFeatures, f)
		}
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// lgbObjective maps LightGBM's objective line ("quantile", "regression
// sqrt", ...) to ours, with parameters from the line's key:value tokens
// or the parameters section.
func lgbObjective(line string, params map[string]string, p *ObjectiveParams) (string, error) {
	tokens := strings.Fields(line)
	if len(tokens) == 0 {
		return "", errors.New("empty objective")
	}
	opts := map[string]string{}
	for _, tok := range tokens[1:] {
		if tok == "sqrt" {
			return "", fmt.Errorf("objective %q: the sqrt label transform is not supported", line)
		}
		if k, v, ok := strings.Cut(tok, ":"); ok {
			opts[k] = v
		}
	}
	param := func(key string, def float64) (float64, error) {
		s, ok := opts[key]
		if !ok {
			s, ok = params[key]
		}
		if !ok {
			return def, nil
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return 0, fmt.Errorf("objective %s: bad %s %q", tokens[0], key, s)
		}
		return v, nil
	}
	var err error
	switch tokens[0] {
	case "regression", "regression_l2", "l2", "mean_squared_error", "mse", "l2_root", "root_mean_squared_error", "rmse":
		return ObjectiveL2, nil
	case "regression_l1", "l1", "mean_absolute_error", "mae":
		return ObjectiveL1, nil
	case "huber":
		p.HuberDelta, err = param("alpha", 0.9)
		return ObjectiveHuber, err
	case "quantile":
		p.Alpha, err = param("alpha", 0.9)
		return ObjectiveQuantile, err
	case "poisson":
		return ObjectivePoisson, nil
	case "tweedie":
		p.TweedieVariancePower, err = param("tweedie_variance_power", 1.5)
		return ObjectiveTweedie, err
	}
	return "", fmt.Errorf("objective %q is not supported (supported: regression, regression_l1, huber, quantile, poisson, tweedie)", line)
}

// lgbConvertTree converts one tree's fields into t, numbering nodes
// breadth-first from the root. Errors name LightGBM's node (inner node)
// or leaf index.
func lgbConvertTree(t *Tree, f map[string]string, isCat []bool) error {
	nl, err := lgbInt(f, "num_leaves")
	if err != nil {
		return err
	}
	if nl < 1 {
		return fmt.Errorf("num_leaves=%d", nl)
	}
	if s := strings.TrimSpace(f["is_linear"]); s != "" && s != "0" {
		return errors.New("linear trees (is_linear=1) are not supported")
	}
	ni := nl - 1
	leafValue, err := lgbFloats(f, "leaf_value", nl, false)
	if err != nil {
		return err
	}
	leafWeight, err := lgbFloats(f, "leaf_weight", nl, true)
	if err != nil {
		return err
	}
	leafCount, err := lgbInts(f, "leaf_count", nl, true)
	if err != nil {
		return err
	}
	splitFeature, err := lgbInts(f, "split_feature", ni, false)
	if err != nil {
		return err
	}
	splitGain, err := lgbFloats(f, "split_gain", ni, true)
	if err != nil {
		return err
	}
	threshold, err := lgbFloats(f, "threshold", ni, false)
	if err != nil {
		return err
	}
	decisionType, err := lgbInts(f, "decision_type", ni, false)
	if err != nil {
		return err
	}
	leftChild, err := lgbInts(f, "left_child", ni, false)
	if err != nil {
		return err
	}
	rightChild, err := lgbInts(f, "right_child", ni, false)
	if err != nil {
		return err
	}
	internalValue, err := lgbFloats(f, "internal_value", ni, true)
	if err != nil {
		return err
	}
	internalWeight, err := lgbFloats(f, "internal_weight", ni, true)
	if err != nil {
		return err
	}
	internalCount, err := lgbInts(f, "internal_count", ni, true)
	if err != nil {
		return err
	}
	numCat := 0
	if _, ok := f["num_cat"]; ok {
		if numCat, err = lgbInt(f, "num_cat"); err != nil {
			return err
		}
	}
	var catBoundaries, catThreshold []int64
	if numCat > 0 {
		if catBoundaries, err = lgbInts(f, "cat_boundaries", numCat+1, false); err != nil {
			return err
		}
		if catThreshold, err = lgbInts(f, "cat_threshold", -1, false); err != nil {
			return err
		}
	}

	hasWeights := leafWeight != nil && (ni == 0 || internalWeight != nil)
	hasCounts := leafCount != nil && (ni == 0 || internalCount != nil)
	// Nodes are LightGBM references: inner node i >= 0, leaf ~j < 0.
	queue := []int64{0}
	if ni == 0 {
		queue[0] = ^0
	}
	seenInner := make([]bool, ni)
	seenLeaf := make([]bool, nl)
	for q := 0; q < len(queue); q++ {
		ref := queue[q]
		id := t.addNode(0, 0, 0)
		if ref < 0 {
			j := ^ref
			t.Value[id] = leafValue[j]
			if hasWeights {
				t.Hessian[id] = leafWeight[j]
			}
			if hasCounts {
				t.Count[id] = leafCount[j]
			}
			continue
		}
		i := ref
		for _, c := range []int64{leftChild[i], rightChild[i]} {
			if c >= 0 {
				if c == 0 || c >= int64(ni) || seenInner[c] {
					return fmt.Errorf("node %d: bad or repeated child node %d", i, c)
				}
				seenInner[c] = true
			} else {
				if ^c >= int64(nl) || seenLeaf[^c] {
					return fmt.Errorf("node %d: bad or repeated child leaf %d", i, ^c)
				}
				seenLeaf[^c] = true
			}
			queue = append(queue, c)
		}
		t.Left[id], t.Right[id] = int32(len(queue)-2), int32(len(queue)-1)
		feat := splitFeature[i]
		if feat < 0 || feat >= int64(len(isCat)) {
			return fmt.Errorf("node %d: split feature %d outside [0, %d features)", i, feat, len(isCat))
		}
		t.Feature[id] = int32(feat)
		if splitGain != nil {
			t.Gain[id] = splitGain[i]
		}
		if internalValue != nil {
			t.Value[id] = internalValue[i]
		}
		if hasWeights {
			t.Hessian[id] = internalWeight[i]
		}
		if hasCounts {
			t.Count[id] = internalCount[i]
		}
		dt := decisionType[i]
		missing := (dt >> 2) & 3
		defaultLeft := dt&2 != 0
		thr := threshold[i]
		if dt&1 != 0 { // categorical
			k := int64(thr)
			if float64(k) != thr || k < 0 || k >= int64(numCat) {
				return fmt.Errorf("node %d: categorical threshold %v is not a category set index in [0, %d)", i, thr, numCat)
			}
			lo, hi := catBoundaries[k], catBoundaries[k+1]
			if lo < 0 || hi < lo || hi > int64(len(catThreshold)) {
				return fmt.Errorf("node %d: cat_boundaries [%d, %d) outside cat_threshold (length %d)", i, lo, hi, len(catThreshold))
			}
			t.Categorical[id] = true
			t.CatStart[id] = int32(len(t.Categories))
			for w, word := range catThreshold[lo:hi] {
				if word < 0 || word > math.MaxUint32 {
					return fmt.Errorf("node %d: cat_threshold word %d is not a uint32", i, word)
				}
				for bit := range 32 {
					if word&(1<<bit) != 0 {
						t.Categories = append(t.Categories, int32(w*32+bit))
					}
				}
			}
			t.CatLen[id] = int32(len(t.Categories)) - t.CatStart[id]
			isCat[feat] = true
			continue
		}
		switch missing {
		case 0: // None: NaN is read as 0
			t.Threshold[id], t.DefaultLeft[id] = math.Nextafter(thr, math.Inf(1)), 0 <= thr
		case 2: // NaN
			t.Threshold[id], t.DefaultLeft[id] = math.Nextafter(thr, math.Inf(1)), defaultLeft
		case 1: // Zero: NaN and |x| <= lgbZero go the default way
			switch {
			case defaultLeft && thr >= lgbZero:
				t.Threshold[id] = math.Nextafter(thr, math.Inf(1))
			case defaultLeft && thr >= -lgbZero:
				t.Threshold[id] = math.Nextafter(lgbZero, math.Inf(1))
			case !defaultLeft && thr < -lgbZero:
				t.Threshold[id] = math.Nextafter(thr, math.Inf(1))
			case !defaultLeft && thr < lgbZero:
				t.Threshold[id] = -lgbZero
			default:
				side, other := "left", "right"
				if !defaultLeft {
					side, other = other, side
				}
				return fmt.Errorf("node %d: missing type Zero with threshold %v sends zero and NaN %s but "+
					"the values between the threshold and zero %s; one split cannot express that", i, thr, side, other)
			}
			t.DefaultLeft[id] = defaultLeft
		default:
			return fmt.Errorf("node %d: decision_type %d has unknown missing type 3", i, dt)
		}
	}
	for i := 1; i < ni; i++ {
		if !seenInner[i] {
			return fmt.Errorf("node %d is not reachable from the root", i)
		}
	}
	for j, ok := range seenLeaf {
		if !ok && ni > 0 {
			return fmt.Errorf("leaf %d is not reachable from the root", j)
		}
	}
	if !hasWeights {
		t.Hessian = nil
	}
	if !hasCounts {
		t.Count = nil
	}
	if splitGain == nil {
		t.Gain = nil
	}
	if internalValue == nil {
		meanInnerValues(t)
	}
	return nil
}

// meanInnerValues sets each inner node's Value to the Hessian-weighted
// mean of its children's (the plain mean without Hessians). Children must
// come after their parents, as in a breadth-first layout.
func meanInnerValues(t *Tree) {
	for i := len(t.Left) - 1; i >= 0; i-- {
		l, r := t.Left[i], t.Right[i]
		if l < 0 {
			continue
		}
		var hl, hr float64
		if t.Hessian != nil {
			hl, hr = t.Hessian[l], t.Hessian[r]
		}
		if hl >= 0 && hr >= 0 && hl+hr > 0 {
			t.Value[i] = (hl*t.Value[l] + hr*t.Value[r]) / (hl + hr)
		} else {
			t.Value[i] = (t.Value[l] + t.Value[r]) / 2
		}
	}
}

func lgbInt(f map[string]string, key string) (int, error) {
	s, ok := f[key]
	if !ok {
		return 0, fmt.Errorf("no %s line", key)
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("bad %s %q", key, s)
	}
	return v, nil
}

// lgbFloats parses a space-separated float array of length n; an
// optional line that is missing or empty gives nil.
func lgbFloats(f map[string]string, key string, n int, optional bool) ([]float64, error) {
	return lgbArray(f, key, n, optional, "number", func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

// lgbInts parses a space-separated integer array of length n (any length
// when n < 0); an optional line that is missing or empty gives nil.
func lgbInts(f map[string]string, key string, n int, optional bool) ([]int64, error) {
	return lgbArray(f, key, n, optional, "integer", func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
}

// lgbArray parses line key of f as n values (any number when n < 0) of
// the kind parse reads.
func lgbArray[T any](f map[string]string, key string, n int, optional bool, kind string, parse func(string) (T, error)) ([]T, error) {
	s, ok := f[key]
	if optional && (!ok || strings.TrimSpace(s) == "" && n != 0) {
		return nil, nil // absent, or empty as in some single-leaf trees
	}
	if !ok {
		return nil, fmt.Errorf("no %s line", key)
	}
	fields := strings.Fields(s)
	if n >= 0 && len(fields) != n {
		return nil, fmt.Errorf("%s has %d values, want %d", key, len(fields), n)
	}
	out := make([]T, len(fields))
	for i, v := range fields {
		x, err := parse(v)
		if err != nil {
			return nil, fmt.Errorf("%s value %d: bad %s %q", key, i, kind, v)
		}
		out[i] = x
	}
	return out, nil
}
