package ml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Opus's own model file is JSON: a header naming the format and its
// version, the model's fields, and each tree's flat arrays as Tree holds
// them. Floats are written in the shortest form that parses back to the
// same float64 (so a round trip is exact), and the values JSON cannot
// spell as numbers, NaN and ±Inf, as the strings "NaN", "+Inf" and
// "-Inf". A nil slice is written as null and an empty one as [], so that
// reading gives back a model equal (reflect.DeepEqual) to the one written.
//
//	{"format":"opus-gbm","version":1,
//	 "feature_names":["x","zone"],"categorical_features":[1],
//	 "objective":"poisson","objective_params":{},"base_score":0.25,
//	 "best_iteration":0,
//	 "trees":[{"left":[1,-1,-1],"right":[2,-1,-1],"feature":[1,-1,-1],
//	   "threshold":[0,0,0],"default_left":[true,false,false],
//	   "categorical":[true,false,false],"cat_start":[0,0,0],
//	   "cat_len":[2,0,0],"categories":[3,7],"value":[0,0.1,-0.2],
//	   "gain":[4.5,0,0],"hessian":[10,4,6],"count":[10,4,6]}]}

// ModelFormat and ModelFormatVersion are the "format" and "version" of the
// JSON that WriteJSON writes and ReadModelJSON reads.
const (
	ModelFormat        = "opus-gbm"
	ModelFormatVersion = 1
)

// modelFile is the JSON document of a Model.
type modelFile struct {
	Format              string     `json:"format"`
	Version             int        `json:"version"`
	FeatureNames        []string   `json:"feature_names"`
	CategoricalFeatures []int      `json:"categorical_features"`
	Objective           string     `json:"objective"`
	ObjectiveParams     paramsFile `json:"objective_params"`
	BaseScore           jsonFloat  `json:"base_score"`
	BestIteration       int        `json:"best_iteration"`
	Trees               []treeFile `json:"trees"`
}

type paramsFile struct {
	Alpha                jsonFloat `json:"alpha,omitempty"`
	HuberDelta           jsonFloat `json:"huber_delta,omitempty"`
	TweedieVariancePower jsonFloat `json:"tweedie_variance_power,omitempty"`
}

type treeFile struct {
	Left        []int32    `json:"left"`
	Right       []int32    `json:"right"`
	Feature     []int32    `json:"feature"`
	Threshold   jsonFloats `json:"threshold"`
	DefaultLeft []bool     `json:"default_left"`
	Categorical []bool     `json:"categorical"`
	CatStart    []int32    `json:"cat_start"`
	CatLen      []int32    `json:"cat_len"`
	Categories  []int32    `json:"categories"`
	Value       jsonFloats `json:"value"`
	Gain        jsonFloats `json:"gain"`
	Hessian     jsonFloats `json:"hessian"`
	Count       []int64    `json:"count"`
}

// MarshalJSON encodes the model in Opus's versioned JSON format (see
// WriteJSON). It fails on a model that Validate rejects, so that whatever
// it writes can be read back.
func (m Model) MarshalJSON() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("ml: write model JSON: %w", err)
	}
	f := modelFile{
		Format:              ModelFormat,
		Version:             ModelFormatVersion,
		FeatureNames:        m.FeatureNames,
		CategoricalFeatures: m.CategoricalFeatures,
		Objective:           m.Objective,
		ObjectiveParams: paramsFile{
			Alpha:                jsonFloat(m.ObjectiveParams.Alpha),
			HuberDelta:           jsonFloat(m.ObjectiveParams.HuberDelta),
			TweedieVariancePower: jsonFloat(m.ObjectiveParams.TweedieVariancePower),
		},
		BaseScore:     jsonFloat(m.BaseScore),
		BestIteration: m.BestIteration,
	}
	if m.Trees != nil {
		f.Trees = make([]treeFile, len(m.Trees))
	}
	for i := range m.Trees {
		t := &m.Trees[i]
		f.Trees[i] = treeFile{
			Left: t.Left, Right: t.Right, Feature: t.Feature,
			Threshold: t.Threshold, DefaultLeft: t.DefaultLeft,
			Categorical: t.Categorical, CatStart: t.CatStart, CatLen: t.CatLen,
			Categories: t.Categories,
			Value:      t.Value, Gain: t.Gain, Hessian: t.Hessian, Count: t.Count,
		}
	}
	return json.Marshal(f)
}

// UnmarshalJSON decodes a model written by MarshalJSON and validates it
// (see Validate). It rejects another format, another version, and unknown
// fields. On error the model is left unchanged.
func (m *Model) UnmarshalJSON(data []byte) error {
	var head struct {
		Format  *string         `json:"format"`
		Version json.RawMessage `json:"version"`
		Learner json.RawMessage `json:"learner"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("ml: read model JSON: %w", err)
	}
	switch {
	case head.Format == nil && head.Learner != nil:
		return errors.New(`ml: read model JSON: no "format": this looks like an XGBoost model, read it with ReadXGBoostJSON`)
	case head.Format == nil:
		return fmt.Errorf(`ml: read model JSON: no "format" field (want %q)`, ModelFormat)
	case *head.Format != ModelFormat:
		return fmt.Errorf("ml: read model JSON: format %q, want %q", *head.Format, ModelFormat)
	case head.Version == nil:
		return errors.New(`ml: read model JSON: no "version" field`)
	case string(head.Version) != strconv.Itoa(ModelFormatVersion):
		return fmt.Errorf("ml: read model JSON: %s version %s, this build reads version %d",
			ModelFormat, head.Version, ModelFormatVersion)
	}
	var f modelFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("ml: read model JSON: %w", err)
	}
	out := Model{
		FeatureNames:        f.FeatureNames,
		CategoricalFeatures: f.CategoricalFeatures,
		Objective:           f.Objective,
		ObjectiveParams: ObjectiveParams{
			Alpha:                float64(f.ObjectiveParams.Alpha),
			HuberDelta:           float64(f.ObjectiveParams.HuberDelta),
			TweedieVariancePower: float64(f.ObjectiveParams.TweedieVariancePower),
		},
		BaseScore:     float64(f.BaseScore),
		BestIteration: f.BestIteration,
	}
	if f.Trees != nil {
		out.Trees = make([]Tree, len(f.Trees))
	}
	for i := range f.Trees {
		t := &f.Trees[i]
		out.Trees[i] = Tree{
			Left: t.Left, Right: t.Right, Feature: t.Feature,
			Threshold: t.Threshold, DefaultLeft: t.DefaultLeft,
			Categorical: t.Categorical, CatStart: t.CatStart, CatLen: t.CatLen,
			Categories: t.Categories,
			Value:      t.Value, Gain: t.Gain, Hessian: t.Hessian, Count: t.Count,
		}
	}
	if err := out.validate(); err != nil {
		return fmt.Errorf("ml: read model JSON: %w", err)
	}
	*m = out
	m.Compile()
	return nil
}

// WriteJSON writes the model to w in Opus's versioned JSON format
// ("format": "opus-gbm", "version": 1), one line ending in a newline.
// Reading it back with ReadModelJSON gives an equal model: every float64
// is written so that it parses back to the same bits (NaN and ±Inf as the
// strings "NaN", "+Inf", "-Inf"). It fails on a model that Validate
// rejects.
func (m *Model) WriteJSON(w io.Writer) error {
	b, err := m.MarshalJSON()
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("ml: write model JSON: %w", err)
	}
	return nil
}

// ReadModelJSON reads a model written by WriteJSON and validates it (see
// Validate); errors name the offending tree and node.
func ReadModelJSON(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("ml: read model JSON: %w", err)
	}
	m := new(Model)
	if err := m.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return m, nil
}

// Validate checks that the model is well formed, so that prediction
// cannot index out of range or loop: a known objective; a finite base
// score; 0 <= BestIteration <= len(Trees); categorical features in range
// and listed once; and for every tree, at least one node, the arrays Left,
// Right, Feature, Threshold, DefaultLeft and Value of equal length (and
// Categorical, CatStart, CatLen, Gain, Hessian and Count either nil or of
// that length too), a leaf's children both -1, an inner node's children in
// range, distinct and not the root, every node reached from the root
// exactly once (no cycle, no shared or orphan node), split features below
// NumFeatures, numeric thresholds not NaN, category ranges inside
// Categories with non-negative, strictly increasing categories, and finite
// leaf values. Errors name the tree and node.
func (m *Model) Validate() error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("ml: invalid model: %w", err)
	}
	return nil
}

func (m *Model) validate() error {
	switch m.Objective {
	case ObjectiveL2, ObjectiveL1, ObjectiveHuber, ObjectiveQuantile, ObjectivePoisson, ObjectiveTweedie:
	case "":
		return errors.New("no objective")
	default:
		return fmt.Errorf("unknown objective %q", m.Objective)
	}
	if math.IsNaN(m.BaseScore) || math.IsInf(m.BaseScore, 0) {
		return fmt.Errorf("base score %v is not finite", m.BaseScore)
	}
	if m.BestIteration < 0 || m.BestIteration > len(m.Trees) {
		return fmt.Errorf("best iteration %d outside [0, %d trees]", m.BestIteration, len(m.Trees))
	}
	nf := m.NumFeatures()
	seen := make(map[int]bool, len(m.CategoricalFeatures))
	for _, f := range m.CategoricalFeatures {
		if f < 0 || f >= nf {
			return fmt.Errorf("categorical feature %d outside [0, %d features)", f, nf)
		}
		if seen[f] {
			return fmt.Errorf("categorical feature %d listed twice", f)
		}
		seen[f] = true
	}
	for i := range m.Trees {
		if err := m.Trees[i].validate(nf); err != nil {
			return fmt.Errorf("tree %d: %w", i, err)
		}
	}
	return nil
}

// validate checks one tree against a model of nf features.
func (t *Tree) validate(nf int) error {
	n := len(t.Left)
	if n == 0 {
		return errors.New("no nodes")
	}
	if n > math.MaxInt32 {
		return fmt.Errorf("%d nodes, more than int32 indexes", n)
	}
	for _, a := range []struct {
		name     string
		len      int
		optional bool
		isNil    bool
	}{
		{"Right", len(t.Right), false, false},
		{"Feature", len(t.Feature), false, false},
		{"Threshold", len(t.Threshold), false, false},
		{"DefaultLeft", len(t.DefaultLeft), false, false},
		{"Value", len(t.Value), false, false},
		{"Categorical", len(t.Categorical), true, t.Categorical == nil},
		{"CatStart", len(t.CatStart), t.Categorical == nil, t.CatStart == nil},
		{"CatLen", len(t.CatLen), t.Categorical == nil, t.CatLen == nil},
		{"Gain", len(t.Gain), true, t.Gain == nil},
		{"Hessian", len(t.Hessian), true, t.Hessian == nil},
		{"Count", len(t.Count), true, t.Count == nil},
	} {
		if a.len != n && !(a.optional && a.isNil) {
			return fmt.Errorf("%d nodes (len(Left)) but len(%s) = %d", n, a.name, a.len)
		}
	}
	reached := make([]bool, n)
	reached[0] = true
	stack := []int32{0}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		l, r := t.Left[i], t.Right[i]
		if l < 0 {
			if l != -1 || r != -1 {
				return fmt.Errorf("node %d: leaf children must be -1, have left %d right %d", i, l, r)
			}
			if v := t.Value[i]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("node %d: leaf value %v is not finite", i, v)
			}
			continue
		}
		if l == r {
			return fmt.Errorf("node %d: left and right child are both %d", i, l)
		}
		for _, c := range []int32{l, r} {
			switch {
			case c < 0 || int(c) >= n:
				return fmt.Errorf("node %d: child %d outside [1, %d)", i, c, n)
			case c == 0:
				return fmt.Errorf("node %d: child is the root (cycle)", i)
			case reached[c]:
				return fmt.Errorf("node %d: child %d is reached twice (cycle or shared node)", i, c)
			}
			reached[c] = true
			stack = append(stack, c)
		}
		if f := t.Feature[i]; f < 0 || int(f) >= nf {
			return fmt.Errorf("node %d: split feature %d outside [0, %d features)", i, f, nf)
		}
		if t.Categorical != nil && t.Categorical[i] {
			start, size := int64(t.CatStart[i]), int64(t.CatLen[i])
			if start < 0 || size < 0 || start+size > int64(len(t.Categories)) {
				return fmt.Errorf("node %d: categories [%d, %d+%d) outside Categories (length %d)",
					i, start, start, size, len(t.Categories))
			}
			cats := t.Categories[start : start+size]
			for k, c := range cats {
				if c < 0 {
					return fmt.Errorf("node %d: negative category %d", i, c)
				}
				if k > 0 && c <= cats[k-1] {
					return fmt.Errorf("node %d: categories not strictly increasing (%d after %d)", i, c, cats[k-1])
				}
			}
		} else if math.IsNaN(t.Threshold[i]) {
			return fmt.Errorf("node %d: threshold is NaN", i)
		}
	}
	for i, ok := range reached {
		if !ok {
			return fmt.Errorf("node %d: not reachable from the root", i)
		}
	}
	return nil
}

// jsonFloat is a float64 that encodes in the shortest round-tripping form,
// and NaN and ±Inf as the strings "NaN", "+Inf" and "-Inf".
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	return appendJSONFloat(nil, float64(f)), nil
}

func (f *jsonFloat) UnmarshalJSON(data []byte) error {
	v, err := parseJSONFloat(bytes.TrimSpace(data), opusNonFinite)
	if err != nil {
		return err
	}
	*f = jsonFloat(v)
	return nil
}

// jsonFloats is a []float64 that encodes its elements as jsonFloat does,
// and nil as null.
type jsonFloats []float64

func (fs jsonFloats) MarshalJSON() ([]byte, error) {
	if fs == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+len(fs)*12)
	b = append(b, '[')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONFloat(b, f)
	}
	return append(b, ']'), nil
}

func (fs *jsonFloats) UnmarshalJSON(data []byte) error {
	v, err := parseJSONFloatArray(data, opusNonFinite)
	if err != nil {
		return err
	}
	*fs = v
	return nil
}

func appendJSONFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// opusNonFinite maps the strings Opus writes for non-finite floats.
func opusNonFinite(s string) (float64, bool) { return parseNonFinite(s, "NaN", "+Inf", "-Inf") }

// parseNonFinite maps a format's spellings of NaN, +Inf and -Inf to their
// values; ok is false for any other string.
func parseNonFinite(s, nan, posInf, negInf string) (v float64, ok bool) {
	switch s {
	case nan:
		return math.NaN(), true
	case posInf:
		return math.Inf(1), true
	case negInf:
		return math.Inf(-1), true
	}
	return 0, false
}

// parseJSONFloat parses one JSON value that is a number, or a string that
// nonFinite maps to a float.
func parseJSONFloat(v []byte, nonFinite func(string) (float64, bool)) (float64, error) {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			if f, ok := nonFinite(s); ok {
				return f, nil
			}
		}
		return 0, fmt.Errorf("%s is not a number", v)
	}
	if len(v) == 0 || !(v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
		return 0, fmt.Errorf("%q is not a number", v)
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return 0, fmt.Errorf("%s is not a float64: %w", v, err)
	}
	return f, nil
}

// parseJSONFloatArray parses a JSON array of numbers (null gives nil).
// encoding/json has already checked data's syntax, so that the elements,
// being numbers or strings without commas, split on commas; anything else
// fails to parse as a number.
func parseJSONFloatArray(data []byte, nonFinite func(string) (float64, bool)) ([]float64, error) {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil, nil
	}
	if len(data) < 2 || data[0] != '[' || data[len(data)-1] != ']' {
		return nil, fmt.Errorf("want an array of numbers, have %.20q", data)
	}
	body := bytes.TrimSpace(data[1 : len(data)-1])
	if len(body) == 0 {
		return []float64{}, nil
	}
	out := make([]float64, 0, bytes.Count(body, []byte{','})+1)
	for len(body) > 0 {
		elem := body
		if k := bytes.IndexByte(body, ','); k >= 0 {
			elem, body = body[:k], body[k+1:]
		} else {
			body = nil
		}
		f, err := parseJSONFloat(bytes.TrimSpace(elem), nonFinite)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", len(out), err)
		}
		out = append(out, f)
	}
	return out, nil
}
