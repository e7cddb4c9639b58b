package ml

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// This file converts models to and from XGBoost's JSON model format
// (Booster.save_model("m.json") / load_model), as XGBoost 1.7 writes and
// reads it.
//
// How the two tree layouts correspond:
//
//   - Numeric splits. XGBoost converts an input to float32 and sends it
//     left when float32(x) < split_condition (a float32). Export writes
//     the smallest float32 >= Threshold, so that every input exactly
//     representable in float32 takes the same branch in both; Threshold is
//     float32 by construction in trained models, but a hand-made or
//     imported model whose float64 Threshold is not may split a
//     non-float32 input lying between the two float32s around it
//     differently (XGBoost sees only float32(x)). Import converts a
//     condition c exactly: it chooses the float64 T for which x < T holds
//     exactly when float32(x) < c, for every float64 x, so an imported
//     model predicts every row as XGBoost does.
//   - Categorical splits (split_type 1). XGBoost sends the categories it
//     stores (categories, indexed by categories_nodes, _segments and
//     _sizes) to the RIGHT child and every other category to the left
//     (verified on xgboost 1.7.4, and src/common/categorical.h, Decision:
//     "go to left if it's NOT the matching category"), while a Tree sends
//     its listed categories LEFT. Export and import therefore keep the
//     category list and swap the two children and the default direction.
//     They agree on every non-negative integer category and on NaN. They
//     differ on invalid categories: XGBoost sends a negative value (and
//     one >= 2^24) left, i.e. to the side of the non-listed categories,
//     and truncates a fractional one to an integer, where a Tree sends
//     both to the default side.
//   - Node order. XGBoost's predictor (src/predictor/predict_fn.h) takes
//     the right child of a numeric split to be left_children + 1,
//     ignoring right_children, so export renumbers each tree breadth-first
//     with every node's two children adjacent (a preorder layout
//     mispredicts). Import renumbers breadth-first too, dropping nodes
//     unreachable from the root.
//   - Leaf values: split_conditions at leaves, float32, learning rate
//     included; XGBoost sums them in float32, so predictions agree to
//     about 1e-6 relative, not to the bit.
//   - base_score: XGBoost 1.7 stores it in output space (a mean of the
//     target, not a margin) and converts it to the starting margin with
//     the objective's ProbToMargin, log for count:poisson and reg:tweedie.
//     Export writes exp(BaseScore) for those objectives; import takes the
//     log back.

// xgbVersion is the XGBoost version written in exported models.
var xgbVersion = [3]int{1, 7, 4}

// WriteXGBoostJSON writes the model as an XGBoost JSON model that
// xgboost.Booster().load_model() loads and predicts with the same
// results, within float32 rounding (verified against xgboost 1.7.4): numeric thresholds as the
// smallest float32 >= Threshold (identical splits for float32 inputs, the
// precision XGBoost predicts in), categorical features typed "c" and
// categorical splits in XGBoost's orientation (see the comment at the top
// of xgboost.go), inner node values as base_weights, Gain as
// loss_changes, Hessian as sum_hessian (so XGBoost's importance and
// TreeSHAP work), and BaseScore converted to XGBoost's output-space
// base_score.
//
// Objectives map to l2 -> reg:squarederror, l1 -> reg:absoluteerror,
// poisson -> count:poisson, tweedie -> reg:tweedie. XGBoost 1.7 has no
// quantile objective (reg:quantileerror came in 2.0) and its Huber loss
// (reg:pseudohubererror) is a different, smooth loss, so quantile and
// huber models are written as reg:squarederror, whose identity link gives
// the same predictions; continuing training in XGBoost would then use
// squared error. The learner attributes "opus_objective" and
// "opus_objective_params" record the original objective, which
// ReadXGBoostJSON restores. A positive BestIteration is written as the
// attributes best_iteration (BestIteration-1) and best_ntree_limit, which
// XGBoost's scikit-learn predict honours; Booster.predict uses every tree
// unless given iteration_range=(0, BestIteration).
//
// XGBoost's JSON allows NaN, Infinity and -Infinity as numbers and writes
// NaN as the split condition of categorical splits; so does this writer,
// so the output is XGBoost JSON rather than strict JSON.
func (m *Model) WriteXGBoostJSON(w io.Writer) error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("ml: write XGBoost JSON: %w", err)
	}
	objective, err := xgbObjectiveJSON(m)
	if err != nil {
		return fmt.Errorf("ml: write XGBoost JSON: %w", err)
	}
	base := m.BaseScore
	if logLink(m.Objective) {
		base = math.Exp(base)
	}
	base32 := float32(base)
	if math.IsInf(float64(base32), 0) || (logLink(m.Objective) && base32 == 0) {
		return fmt.Errorf("ml: write XGBoost JSON: base score %v out of XGBoost's float32 range for objective %s",
			m.BaseScore, m.Objective)
	}
	attrs := map[string]string{"opus_objective": m.Objective}
	if p, err := json.Marshal(m.ObjectiveParams); err == nil {
		attrs["opus_objective_params"] = string(p)
	}
	if m.BestIteration > 0 {
		attrs["best_iteration"] = strconv.Itoa(m.BestIteration - 1)
		attrs["best_ntree_limit"] = strconv.Itoa(m.BestIteration)
	}

	nf := m.NumFeatures()
	types := make([]string, nf)
	for f := range types {
		types[f] = "q"
	}
	for _, f := range m.CategoricalFeatures {
		types[f] = "c"
	}
	for ti := range m.Trees {
		t := &m.Trees[ti]
		for i := range t.Left {
			if t.Left[i] >= 0 && t.Categorical != nil && t.Categorical[i] {
				types[t.Feature[i]] = "c"
			}
		}
	}

	bw := bufio.NewWriter(w)
	b := make([]byte, 0, 4096)
	b = append(b, `{"learner":{"attributes":`...)
	b = appendJSONValue(b, attrs)
	b = append(b, `,"feature_names":`...)
	b = appendJSONValue(b, nonNil(m.FeatureNames))
	b = append(b, `,"feature_types":`...)
	b = appendJSONValue(b, types)
	b = append(b, `,"gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"`...)
	b = strconv.AppendInt(b, int64(len(m.Trees)), 10)
	b = append(b, `","size_leaf_vector":"0"},"tree_info":[`...)
	for i := range m.Trees {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '0')
	}
	b = append(b, `],"trees":[`...)
	for ti := range m.Trees {
		if ti > 0 {
			b = append(b, ',')
		}
		b = appendXGBTree(b, &m.Trees[ti], ti, nf)
		if len(b) > 1<<16 {
			if _, err := bw.Write(b); err != nil {
				return fmt.Errorf("ml: write XGBoost JSON: %w", err)
			}
			b = b[:0]
		}
	}
	b = append(b, `]},"name":"gbtree"},"learner_model_param":{"base_score":"`...)
	b = appendXGBFloat(b, base32)
	b = append(b, `","boost_from_average":"1","num_class":"0","num_feature":"`...)
	b = strconv.AppendInt(b, int64(nf), 10)
	b = append(b, `","num_target":"1"},"objective":`...)
	b = append(b, objective...)
	b = append(b, `},"version":[`...)
	for i, v := range xgbVersion {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	b = append(b, "]}\n"...)
	if _, err := bw.Write(b); err != nil {
		return fmt.Errorf("ml: write XGBoost JSON: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ml: write XGBoost JSON: %w", err)
	}
	return nil
}

// xgbObjectiveJSON returns the learner's "objective" object for m.
func xgbObjectiveJSON(m *Model) (string, error) {
	switch m.Objective {
	case ObjectiveL2, ObjectiveHuber, ObjectiveQuantile:
		return `{"name":"reg:squarederror","reg_loss_param":{"scale_pos_weight":"1"}}`, nil
	case ObjectiveL1:
		return `{"name":"reg:absoluteerror"}`, nil
	case ObjectivePoisson:
		return `{"name":"count:poisson","poisson_regression_param":{"max_delta_step":"0.699999988"}}`, nil
	case ObjectiveTweedie:
		p := m.ObjectiveParams.TweedieVariancePower
		if p == 0 {
			p = 1.5
		}
		return `{"name":"reg:tweedie","tweedie_regression_param":{"tweedie_variance_power":"` +
			strconv.FormatFloat(p, 'g', -1, 64) + `"}}`, nil
	}
	return "", fmt.Errorf("objective %q has no XGBoost equivalent", m.Objective)
}

// appendXGBTree appends tree t (the model's tree number id) in XGBoost's
// layout. XGBoost's predictor takes a node's right child to be its left
// child + 1, so the nodes are renumbered breadth-first with each node's
// two children adjacent. Categorical splits swap their children and
// default direction, as XGBoost sends its listed categories right.
func appendXGBTree(b []byte, t *Tree, id, nf int) []byte {
	n := t.NumNodes()
	orig := make([]int32, 1, n) // XGBoost node -> our node
	parent := make([]int32, n)
	parent[0] = math.MaxInt32
	left := make([]int32, n)
	right := make([]int32, n)
	defLeft := make([]bool, n)
	isCat := make([]bool, n)
	cond := make([]float32, n)
	feature := make([]int32, n)
	var catNodes, catSegs, catSizes []int
	var cats []int32
	for i := 0; i < len(orig); i++ {
		o := orig[i]
		l, r := t.Left[o], t.Right[o]
		left[i], right[i] = -1, -1
		if l < 0 {
			cond[i] = float32(t.Value[o])
			continue
		}
		feature[i] = t.Feature[o]
		defLeft[i] = t.DefaultLeft[o]
		switch {
		case t.Categorical == nil || !t.Categorical[o]:
			cond[i] = ceil32(t.Threshold[o])
		case t.CatLen[o] == 0:
			// Nothing goes left: a numeric split that nothing passes keeps
			// XGBoost from seeing an empty category set.
			cond[i] = float32(math.Inf(-1))
		default:
			set := t.Categories[t.CatStart[o] : t.CatStart[o]+t.CatLen[o]]
			isCat[i] = true
			l, r, defLeft[i] = r, l, !t.DefaultLeft[o]
			cond[i] = float32(math.NaN())
			catNodes = append(catNodes, i)
			catSegs = append(catSegs, len(cats))
			catSizes = append(catSizes, len(set))
			cats = append(cats, set...)
		}
		left[i], right[i] = int32(len(orig)), int32(len(orig)+1)
		parent[len(orig)], parent[len(orig)+1] = int32(i), int32(i)
		orig = append(orig, l, r)
	}
	f32 := func(b []byte, key string, get func(i int) float32) []byte {
		b = append(b, `,"`...)
		b = append(b, key...)
		b = append(b, `":[`...)
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendXGBFloat(b, get(i))
		}
		return append(b, ']')
	}
	ints := func(b []byte, key string, get func(i int) int64) []byte {
		b = append(b, `,"`...)
		b = append(b, key...)
		b = append(b, `":[`...)
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, get(i), 10)
		}
		return append(b, ']')
	}
	intList := func(b []byte, key string, v []int) []byte {
		b = append(b, `,"`...)
		b = append(b, key...)
		b = append(b, `":[`...)
		for i, x := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(x), 10)
		}
		return append(b, ']')
	}
	optional := func(v []float64, i int) float32 {
		if v == nil {
			return 0
		}
		return float32(v[orig[i]])
	}
	b = append(b, `{"base_weights":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendXGBFloat(b, float32(t.Value[orig[i]]))
	}
	b = append(b, `],"categories":[`...)
	for i, c := range cats {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(c), 10)
	}
	b = append(b, ']')
	b = intList(b, "categories_nodes", catNodes)
	b = intList(b, "categories_segments", catSegs)
	b = intList(b, "categories_sizes", catSizes)
	b = ints(b, "default_left", func(i int) int64 { return b2i(defLeft[i]) })
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, int64(id), 10)
	b = ints(b, "left_children", func(i int) int64 { return int64(left[i]) })
	b = f32(b, "loss_changes", func(i int) float32 {
		if left[i] < 0 {
			return 0
		}
		return optional(t.Gain, i)
	})
	b = ints(b, "parents", func(i int) int64 { return int64(parent[i]) })
	b = ints(b, "right_children", func(i int) int64 { return int64(right[i]) })
	b = f32(b, "split_conditions", func(i int) float32 { return cond[i] })
	b = ints(b, "split_indices", func(i int) int64 { return int64(feature[i]) })
	b = ints(b, "split_type", func(i int) int64 { return b2i(isCat[i]) })
	b = f32(b, "sum_hessian", func(i int) float32 { return optional(t.Hessian, i) })
	b = append(b, `,"tree_param":{"num_deleted":"0","num_feature":"`...)
	b = strconv.AppendInt(b, int64(nf), 10)
	b = append(b, `","num_nodes":"`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `","size_leaf_vector":"0"}}`...)
	return b
}

func b2i(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func appendJSONValue(b []byte, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil { // strings and maps of strings always encode
		panic(err)
	}
	return append(b, j...)
}

// appendXGBFloat appends f as XGBoost's JSON reader wants a float: always
// with a decimal point or exponent (an integer literal in a float array
// fails to load), NaN and ±Inf as XGBoost spells them.
func appendXGBFloat(b []byte, f float32) []byte {
	switch {
	case f != f:
		return append(b, "NaN"...)
	case math.IsInf(float64(f), 1):
		return append(b, "Infinity"...)
	case math.IsInf(float64(f), -1):
		return append(b, "-Infinity"...)
	}
	n := len(b)
	b = strconv.AppendFloat(b, float64(f), 'g', -1, 32)
	if !bytes.ContainsAny(b[n:], ".e") {
		b = append(b, ".0"...)
	}
	return b
}

// ceil32 returns the smallest float32 >= t (±Inf for t beyond float32's
// range). For every float32 x, x < t exactly when x < ceil32(t).
func ceil32(t float64) float32 {
	f := float32(t)
	if float64(f) < t {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// xgbThreshold returns the threshold T for which x < T holds exactly when
// float32(x) < c, for every float64 x that is not NaN: the point halfway
// between c and the float32 below it, where float32 rounding switches
// between the two, adjusted for ties (round half to even).
func xgbThreshold(c float32) float64 {
	if c != c || math.IsInf(float64(c), -1) {
		return math.Inf(-1) // nothing is below NaN or -Inf
	}
	prev := math.Nextafter32(c, float32(math.Inf(-1)))
	lo, hi := float64(prev), float64(c)
	if math.IsInf(lo, -1) {
		lo = -0x1p128 // float32 rounding treats ±Inf as ±2^128
	}
	if math.IsInf(hi, 1) {
		hi = 0x1p128
	}
	mid := (lo + hi) / 2 // exact: adjacent float32s need 25 bits
	if math.Float32bits(prev)&1 == 0 {
		// A tie rounds to prev, the even one, which is < c: mid goes left.
		return math.Nextafter(mid, math.Inf(1))
	}
	return mid
}

// ReadXGBoostJSON reads an XGBoost JSON model (Booster.save_model with a
// .json name, XGBoost 1.0 and later; not the binary UBJSON format) for
// prediction: a "gbtree" or "dart" booster of single-output regression
// trees with numeric and categorical splits, for the objectives
// reg:squarederror (and its old name reg:linear), reg:absoluteerror,
// reg:quantileerror (one quantile), reg:pseudohubererror (imported as
// huber with HuberDelta = huber_slope: the same identity link),
// count:poisson and reg:tweedie; any other objective or booster is an
// error. The learner attributes written by WriteXGBoostJSON restore the
// original objective.
//
// A numeric split condition c becomes the float64 Threshold T for which
// x < T holds exactly when float32(x) < c, so the model splits every row
// as XGBoost does, except for invalid (negative, fractional or >= 2^24)
// categories (see the comment at the top of xgboost.go); predictions
// agree up to XGBoost's float32 summation. BaseScore is base_score taken
// to margin space (log for poisson and tweedie, computed in float32 as
// XGBoost does). BestIteration comes from the best_iteration attribute, which xgb.train
// always writes (the last round without early stopping) and XGBoost's
// scikit-learn predict honours, though Booster.predict does not; it is
// left 0 when it covers every tree. Nodes unreachable from the root
// (deleted by pruning) are dropped; inner nodes' Values are the
// Hessian-weighted means of their children's (XGBoost's base_weights lack
// the learning rate); Count is nil, as XGBoost keeps no row counts.
func ReadXGBoostJSON(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("ml: read XGBoost JSON: %w", err)
	}
	m, err := readXGBoost(quoteNonFinite(data))
	if err != nil {
		return nil, fmt.Errorf("ml: read XGBoost JSON: %w", err)
	}
	m.Compile()
	return m, nil
}

type xgbTree struct {
	BaseWeights        xgbFloats         `json:"base_weights"`
	Categories         []int64           `json:"categories"`
	CategoriesNodes    []int64           `json:"categories_nodes"`
	CategoriesSegments []int64           `json:"categories_segments"`
	CategoriesSizes    []int64           `json:"categories_sizes"`
	DefaultLeft        xgbBools          `json:"default_left"`
	ID                 int               `json:"id"`
	LeftChildren       []int64           `json:"left_children"`
	LossChanges        xgbFloats         `json:"loss_changes"`
	RightChildren      []int64           `json:"right_children"`
	SplitConditions    xgbFloats         `json:"split_conditions"`
	SplitIndices       []int64           `json:"split_indices"`
	SplitType          []int64           `json:"split_type"`
	SumHessian         xgbFloats         `json:"sum_hessian"`
	TreeParam          map[string]string `json:"tree_param"`
}

type xgbGBTree struct {
	Param    map[string]string `json:"gbtree_model_param"`
	TreeInfo []int64           `json:"tree_info"`
	Trees    []xgbTree         `json:"trees"`
}

func readXGBoost(data []byte) (*Model, error) {
	var doc struct {
		Learner *struct {
			Attributes      map[string]string `json:"attributes"`
			FeatureNames    []string          `json:"feature_names"`
			FeatureTypes    []string          `json:"feature_types"`
			GradientBooster struct {
				Name       string                      `json:"name"`
				Model      *xgbGBTree                  `json:"model"`
				GBTree     *struct{ Model *xgbGBTree } `json:"gbtree"`
				WeightDrop xgbFloats                   `json:"weight_drop"`
			} `json:"gradient_booster"`
			ModelParam map[string]string          `json:"learner_model_param"`
			Objective  map[string]json.RawMessage `json:"objective"`
		} `json:"learner"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w (is it an XGBoost JSON model? binary UBJSON models are not supported: save with a .json name)", err)
	}
	l := doc.Learner
	if l == nil {
		return nil, errors.New(`no "learner": not an XGBoost JSON model`)
	}

	// Booster.
	gb := l.GradientBooster
	var trees *xgbGBTree
	var weights []float64
	switch gb.Name {
	case "gbtree":
		trees = gb.Model
	case "dart":
		if gb.GBTree != nil {
			trees = gb.GBTree.Model
		}
		weights = gb.WeightDrop
	case "gblinear":
		return nil, errors.New("booster gblinear (a linear model) is not supported, only tree boosters")
	default:
		return nil, fmt.Errorf("booster %q is not supported", gb.Name)
	}
	if trees == nil {
		return nil, fmt.Errorf("booster %s has no model", gb.Name)
	}
	if weights != nil && len(weights) != len(trees.Trees) {
		return nil, fmt.Errorf("dart booster: %d weights for %d trees", len(weights), len(trees.Trees))
	}

	// Learner parameters.
	nf, err := xgbIntParam(l.ModelParam, "num_feature", -1)
	if err != nil {
		return nil, err
	}
	if nf < 0 {
		return nil, errors.New("learner_model_param has no num_feature")
	}
	if nc, err := xgbIntParam(l.ModelParam, "num_class", 0); err != nil {
		return nil, err
	} else if nc > 1 {
		return nil, fmt.Errorf("num_class %d: multi-class models are not supported", nc)
	}
	if nt, err := xgbIntParam(l.ModelParam, "num_target", 1); err != nil {
		return nil, err
	} else if nt > 1 {
		return nil, fmt.Errorf("num_target %d: multi-output models are not supported", nt)
	}
	npt, err := xgbIntParam(trees.Param, "num_parallel_tree", 1)
	if err != nil {
		return nil, err
	}
	if slv, err := xgbIntParam(trees.Param, "size_leaf_vector", 0); err != nil {
		return nil, err
	} else if slv > 1 {
		return nil, fmt.Errorf("size_leaf_vector %d: multi-output trees are not supported", slv)
	}
	for i, g := range trees.TreeInfo {
		if g != 0 {
			return nil, fmt.Errorf("tree %d belongs to output group %d: multi-output models are not supported", i, g)
		}
	}

	m := &Model{}
	if len(l.FeatureNames) == nf {
		m.FeatureNames = slices.Clone(l.FeatureNames)
	} else {
		m.FeatureNames = make([]string, nf)
		for f := range nf {
			m.FeatureNames[f] = "f" + strconv.Itoa(f)
		}
	}

	// Objective and base score.
	var objName string
	if raw, ok := l.Objective["name"]; !ok || json.Unmarshal(raw, &objName) != nil {
		return nil, errors.New("learner has no objective name")
	}
	var margin func(float32) float32
	m.Objective, margin, err = xgbImportObjective(objName, l.Objective, &m.ObjectiveParams)
	if err != nil {
		return nil, err
	}
	if name, ok := l.Attributes["opus_objective"]; ok && logLink(name) == logLink(m.Objective) {
		switch name {
		case ObjectiveL2, ObjectiveL1, ObjectiveHuber, ObjectiveQuantile, ObjectivePoisson, ObjectiveTweedie:
			var p ObjectiveParams
			if s, ok := l.Attributes["opus_objective_params"]; !ok || json.Unmarshal([]byte(s), &p) == nil {
				m.Objective, m.ObjectiveParams = name, p
			}
		}
	}
	bs, ok := l.ModelParam["base_score"]
	if !ok {
		return nil, errors.New("learner_model_param has no base_score")
	}
	base, err := xgbScalar(bs)
	if err != nil {
		return nil, fmt.Errorf("base_score: %w", err)
	}
	m.BaseScore = float64(margin(float32(base)))
	if math.IsNaN(m.BaseScore) || math.IsInf(m.BaseScore, 0) {
		return nil, fmt.Errorf("base_score %s gives margin %v for objective %s", bs, m.BaseScore, objName)
	}

	// Trees.
	isCat := make([]bool, nf)
	for f, ty := range l.FeatureTypes {
		if f < nf && ty == "c" {
			isCat[f] = true
		}
	}
	m.Trees = make([]Tree, len(trees.Trees))
	for ti := range trees.Trees {
		w := 1.0
		if weights != nil {
			w = weights[ti]
		}
		if err := xgbImportTree(&m.Trees[ti], &trees.Trees[ti], w, isCat); err != nil {
			return nil, fmt.Errorf("tree %d: %w", ti, err)
		}
	}
	for f, c := range isCat {
		if c {
			m.CategoricalFeatures = append(m.CategoricalFeatures, f)
		}
	}
	if s, ok := l.Attributes["best_iteration"]; ok {
		bi, err := strconv.Atoi(s)
		if err != nil || bi < 0 {
			return nil, fmt.Errorf("attribute best_iteration %q is not a round number", s)
		}
		if n := (bi + 1) * max(npt, 1); n < len(m.Trees) {
			m.BestIteration = n
		}
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// xgbImportObjective maps an XGBoost objective to ours, filling its
// parameters, and returns XGBoost's ProbToMargin for its base_score.
func xgbImportObjective(name string, obj map[string]json.RawMessage, p *ObjectiveParams) (string, func(float32) float32, error) {
	identity := func(v float32) float32 { return v }
	logf := func(v float32) float32 { return float32(math.Log(float64(v))) }
	param := func(group, key string) (string, bool) {
		var g map[string]string
		if raw, ok := obj[group]; ok && json.Unmarshal(raw, &g) == nil {
			v, ok := g[key]
			return v, ok
		}
		return "", false
	}
	// floatParam reads a number parameter, def when absent.
	floatParam := func(group, key string, def float64) (float64, error) {
		s, ok := param(group, key)
		if !ok {
			return def, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%s %q: %w", key, s, err)
		}
		return v, nil
	}
	switch name {
	case "reg:squarederror", "reg:linear":
		return ObjectiveL2, identity, nil
	case "reg:absoluteerror":
		return ObjectiveL1, identity, nil
	case "reg:quantileerror":
		if s, ok := param("quantile_loss_param", "quantile_alpha"); ok {
			a, err := xgbScalar(s)
			if err != nil {
				return "", nil, fmt.Errorf("quantile_alpha %q: %w (one quantile only)", s, err)
			}
			p.Alpha = a
		}
		return ObjectiveQuantile, identity, nil
	case "reg:pseudohubererror":
		var err error
		if p.HuberDelta, err = floatParam("pseudo_huber_param", "huber_slope", 1); err != nil {
			return "", nil, err
		}
		return ObjectiveHuber, identity, nil
	case "count:poisson":
		return ObjectivePoisson, logf, nil
	case "reg:tweedie":
		var err error
		if p.TweedieVariancePower, err = floatParam("tweedie_regression_param", "tweedie_variance_power", 1.5); err != nil {
			return "", nil, err
		}
		return ObjectiveTweedie, logf, nil
	}
	return "", nil, fmt.Errorf("objective %q is not supported (supported: reg:squarederror, reg:absoluteerror, "+
		"reg:quantileerror, reg:pseudohubererror, count:poisson, reg:tweedie)", name)
}

// xgbImportTree converts XGBoost tree x into t, renumbering its nodes in
// breadth-first order from the root and scaling leaf values by w (a dart
// tree's weight).
func xgbImportTree(t *Tree, x *xgbTree, w float64, isCat []bool) error {
	n := len(x.LeftChildren)
	if s, ok := x.TreeParam["num_nodes"]; ok {
		if v, err := strconv.Atoi(s); err != nil || v != n {
			return fmt.Errorf("tree_param num_nodes %q but %d left_children", s, n)
		}
	}
	if n == 0 {
		return errors.New("no nodes")
	}
	for _, a := range []struct {
		name     string
		len      int
		optional bool
	}{
		{"right_children", len(x.RightChildren), false},
		{"split_conditions", len(x.SplitConditions), false},
		{"split_indices", len(x.SplitIndices), false},
		{"default_left", len(x.DefaultLeft), false},
		{"split_type", len(x.SplitType), true},
		{"sum_hessian", len(x.SumHessian), true},
		{"loss_changes", len(x.LossChanges), true},
	} {
		if a.len != n && !(a.optional && a.len == 0) {
			return fmt.Errorf("%d left_children but %d %s", n, a.len, a.name)
		}
	}
	k := len(x.CategoriesNodes)
	if len(x.CategoriesSegments) != k || len(x.CategoriesSizes) != k {
		return fmt.Errorf("categories_nodes, _segments and _sizes have lengths %d, %d, %d",
			k, len(x.CategoriesSegments), len(x.CategoriesSizes))
	}
	catOf := make(map[int64]int, k) // node -> index in categories_nodes
	for j, node := range x.CategoriesNodes {
		catOf[node] = j
	}

	newID := make([]int32, n) // old index -> new index + 1 (0: not reached yet)
	newID[0] = 1
	queue := []int{0}
	for q := 0; q < len(queue); q++ {
		o := queue[q]
		i := int32(q)
		lo, ro := x.LeftChildren[o], x.RightChildren[o]
		hess := 0.0
		if len(x.SumHessian) > 0 {
			hess = x.SumHessian[o]
		}
		t.addNode(0, hess, 0)
		if lo == -1 {
			if ro != -1 {
				return fmt.Errorf("node %d: leaf (left child -1) with right child %d", o, ro)
			}
			t.Value[i] = float64(float32(x.SplitConditions[o])) * w
			continue
		}
		for _, c := range []int64{lo, ro} {
			if c <= 0 || c >= int64(n) {
				return fmt.Errorf("node %d: child %d outside [1, %d)", o, c, n)
			}
			if newID[c] != 0 {
				return fmt.Errorf("node %d: child %d is reached twice (cycle or shared node)", o, c)
			}
			queue = append(queue, int(c))
			newID[c] = int32(len(queue))
		}
		l, r := newID[lo]-1, newID[ro]-1
		f := x.SplitIndices[o]
		if f < 0 || f > math.MaxInt32 || int(f) >= len(isCat) {
			return fmt.Errorf("node %d: split feature %d outside [0, %d features)", o, f, len(isCat))
		}
		t.Feature[i] = int32(f)
		if len(x.LossChanges) > 0 {
			t.Gain[i] = x.LossChanges[o]
		}
		dl := x.DefaultLeft[o]
		if len(x.SplitType) == 0 || x.SplitType[o] == 0 {
			t.Left[i], t.Right[i], t.DefaultLeft[i] = l, r, dl
			t.Threshold[i] = xgbThreshold(float32(x.SplitConditions[o]))
			continue
		}
		if x.SplitType[o] != 1 {
			return fmt.Errorf("node %d: unknown split_type %d", o, x.SplitType[o])
		}
		j, ok := catOf[int64(o)]
		if !ok {
			return fmt.Errorf("node %d: categorical split missing from categories_nodes", o)
		}
		seg, size := x.CategoriesSegments[j], x.CategoriesSizes[j]
		if seg < 0 || size < 0 || seg+size > int64(len(x.Categories)) {
			return fmt.Errorf("node %d: categories segment [%d, %d+%d) outside categories (length %d)",
				o, seg, seg, size, len(x.Categories))
		}
		set := slices.Clone(x.Categories[seg : seg+size])
		slices.Sort(set)
		set = slices.Compact(set)
		t.CatStart[i] = int32(len(t.Categories))
		for _, c := range set {
			if c < 0 || c > math.MaxInt32 {
				return fmt.Errorf("node %d: category %d out of range", o, c)
			}
			t.Categories = append(t.Categories, int32(c))
		}
		t.CatLen[i] = int32(len(set))
		t.Categorical[i] = true
		isCat[f] = true
		// XGBoost sends its listed categories right, a Tree sends them left.
		t.Left[i], t.Right[i], t.DefaultLeft[i] = r, l, !dl
	}
	t.Count = nil // XGBoost records no row counts
	if len(x.SumHessian) == 0 {
		t.Hessian = nil
	}
	if len(x.LossChanges) == 0 {
		t.Gain = nil
	}
	meanInnerValues(t) // children follow their parents breadth-first
	return nil
}

func xgbIntParam(p map[string]string, key string, def int) (int, error) {
	s, ok := p[key]
	if !ok {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("parameter %s %q is not an integer", key, s)
	}
	return v, nil
}

// xgbScalar parses a number XGBoost stores in a string: "0.5", "5E-1", or
// XGBoost 2's one-element vector form "[5E-1]".
func xgbScalar(s string) (float64, error) {
	v := strings.TrimSpace(s)
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		v = strings.TrimSpace(v[1 : len(v)-1])
		if strings.Contains(v, ",") {
			return 0, fmt.Errorf("%q holds several values", s)
		}
	}
	return strconv.ParseFloat(v, 64)
}

// xgbFloats is a float array in XGBoost's JSON, where quoteNonFinite has
// turned NaN and ±Infinity into strings.
type xgbFloats []float64

func (fs *xgbFloats) UnmarshalJSON(data []byte) error {
	v, err := parseJSONFloatArray(data, func(s string) (float64, bool) {
		return parseNonFinite(s, "NaN", "Infinity", "-Infinity")
	})
	if err != nil {
		return err
	}
	*fs = v
	return nil
}

// xgbBools is XGBoost's default_left: 0/1 integers (or JSON booleans).
type xgbBools []bool

func (bs *xgbBools) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make([]bool, len(raw))
	for i, v := range raw {
		switch string(bytes.TrimSpace(v)) {
		case "0", "false":
		case "1", "true":
			out[i] = true
		default:
			return fmt.Errorf("default_left element %d is %s, want 0 or 1", i, v)
		}
	}
	*bs = out
	return nil
}

// quoteNonFinite rewrites the bare NaN, Infinity and -Infinity that
// XGBoost writes as numbers (not valid JSON) into the strings "NaN",
// "Infinity" and "-Infinity", leaving string contents alone.
func quoteNonFinite(b []byte) []byte {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b
	}
	out := make([]byte, 0, len(b)+256)
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			if c == '\\' && i+1 < len(b) {
				i++
				out = append(out, b[i])
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case bytes.HasPrefix(b[i:], []byte("NaN")):
			out = append(out, `"NaN"`...)
			i += len("NaN") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("Infinity")):
			out = append(out, `"Infinity"`...)
			i += len("Infinity") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("-Infinity")):
			out = append(out, `"-Infinity"`...)
			i += len("-Infinity") - 1
			continue
		}
		out = append(out, c)
	}
	return out
}
