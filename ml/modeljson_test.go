package ml

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
)

func ioRoundTripJSON(t *testing.T, m *Model) *Model {
	t.Helper()
	var buf bytes.Buffer
	if err := m.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadModelJSON(&buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	return got
}

func TestModelJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	awkward := ioHandModel(ObjectiveTweedie, math.Log(1.7))
	awkward.ObjectiveParams = ObjectiveParams{Alpha: 0.1, HuberDelta: 1e-300, TweedieVariancePower: 1.0000000000000002}
	awkward.BestIteration = 1
	tr := &awkward.Trees[0]
	tr.Threshold[0] = math.Inf(1)
	tr.Threshold[2] = math.Inf(-1)
	tr.Value[0] = math.Copysign(0, -1)
	tr.Value[2] = math.SmallestNonzeroFloat64
	tr.Gain[0] = math.MaxFloat64
	tr.Hessian[1] = 0.1 + 0.2
	tr.Count[0] = math.MaxInt64

	sparse := ioHandModel(ObjectiveL1, -3)
	sparse.CategoricalFeatures = []int{}
	for i := range sparse.Trees {
		sparse.Trees[i].Gain = nil
		sparse.Trees[i].Count = nil
	}
	numeric := &Model{
		FeatureNames: []string{"a", "b \"quoted\" ü"},
		Objective:    ObjectiveL2,
		BaseScore:    1.0 / 3,
		Trees:        []Tree{ioTree(ioNum(1, 0.1, true, ioLeaf(1), ioLeaf(2))), {Left: []int32{-1}, Right: []int32{-1}, Feature: []int32{-1}, Threshold: []float64{0}, DefaultLeft: []bool{false}, Value: []float64{0.5}}},
	}
	noTrees := &Model{FeatureNames: []string{"x"}, Objective: ObjectivePoisson, BaseScore: -1}

	for name, m := range map[string]*Model{
		"hand": ioHandModel(ObjectiveL2, 0.5), "awkward": awkward, "sparse": sparse, "numeric": numeric,
		"no trees": noTrees, "random": ioRandomModel(rng, ObjectiveQuantile, 6, 40),
	} {
		t.Run(name, func(t *testing.T) {
			got := ioRoundTripJSON(t, m)
			m.Compile() // a read model comes compiled
			if !reflect.DeepEqual(got, m) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", got, m)
			}
			// Floats keep their bits (DeepEqual treats -0 == 0).
			for ti := range m.Trees {
				for i, v := range m.Trees[ti].Value {
					if math.Float64bits(v) != math.Float64bits(got.Trees[ti].Value[i]) {
						t.Errorf("tree %d value %d: %v became %v", ti, i, v, got.Trees[ti].Value[i])
					}
				}
			}
		})
	}
}

// TestModelJSONStdlib checks that encoding/json uses the format through
// Model's MarshalJSON and UnmarshalJSON, for values and pointers.
func TestModelJSONStdlib(t *testing.T) {
	m := ioHandModel(ObjectivePoisson, 0.3)
	a, err := json.Marshal(*m)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) || !bytes.HasPrefix(a, []byte(`{"format":"opus-gbm","version":1,`)) {
		t.Fatalf("marshal: %.80s / %.80s", a, b)
	}
	var got struct{ M *Model }
	if err := json.Unmarshal([]byte(`{"M":`+string(a)+`}`), &got); err != nil {
		t.Fatal(err)
	}
	m.Compile()
	if !reflect.DeepEqual(got.M, m) {
		t.Error("embedded round trip differs")
	}
}

func TestModelJSONNonFinite(t *testing.T) {
	m := ioHandModel(ObjectiveL2, 0)
	m.Trees[0].Value[0] = math.NaN() // inner value: allowed, predictions never read it
	m.Trees[0].Gain[0] = math.Inf(-1)
	var buf bytes.Buffer
	if err := m.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"value":["NaN",`) || !strings.Contains(buf.String(), `"gain":["-Inf",`) {
		t.Errorf("non-finite floats not spelled as strings: %s", buf.String())
	}
	got, err := ReadModelJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(got.Trees[0].Value[0]) || !math.IsInf(got.Trees[0].Gain[0], -1) {
		t.Errorf("got %v %v", got.Trees[0].Value[0], got.Trees[0].Gain[0])
	}
}

// TestModelJSONCorrupt edits a valid document and checks that reading
// fails with an error naming the problem, and the tree and node.
func TestModelJSONCorrupt(t *testing.T) {
	var buf bytes.Buffer
	if err := ioHandModel(ObjectiveL2, 0.5).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	valid := buf.String()
	doc := func() map[string]any {
		var d map[string]any
		if err := json.Unmarshal([]byte(valid), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	tree := func(d map[string]any, i int) map[string]any { return d["trees"].([]any)[i].(map[string]any) }
	set := func(d map[string]any, ti int, key string, idx int, v any) {
		tree(d, ti)[key].([]any)[idx] = v
	}
	// Tree 1 (preorder): 0 cat{0,2} -> 1 num(x<0.1) [2, 3], 4 num(y<3) [5, 6 cat{4} [7, 8]].
	for _, tc := range []struct {
		name   string
		edit   func(d map[string]any)
		raw    string
		substr string
	}{
		{name: "not json", raw: `{"format":`, substr: "read model JSON"},
		{name: "format", substr: `format "xgboost", want "opus-gbm"`, edit: func(d map[string]any) { d["format"] = "xgboost" }},
		{name: "no format", substr: `no "format"`, edit: func(d map[string]any) { delete(d, "format") }},
		{name: "xgboost", raw: `{"learner":{},"version":[1,7,4]}`, substr: "ReadXGBoostJSON"},
		{name: "version", substr: "opus-gbm version 2, this build reads version 1", edit: func(d map[string]any) { d["version"] = 2 }},
		{name: "unknown field", substr: `unknown field "colour"`, edit: func(d map[string]any) { tree(d, 0)["colour"] = 1 }},
		{name: "objective", substr: `unknown objective "l3"`, edit: func(d map[string]any) { d["objective"] = "l3" }},
		{name: "base score", substr: "base score NaN is not finite", edit: func(d map[string]any) { d["base_score"] = "NaN" }},
		{name: "bad float", substr: "1e999 is not a float64", edit: func(d map[string]any) { d["base_score"] = json.Number("1e999") }},
		{name: "bad float string", substr: `"inf" is not a number`, edit: func(d map[string]any) { set(d, 0, "threshold", 0, "inf") }},
		{name: "best iteration", substr: "best iteration 3 outside [0, 2 trees]", edit: func(d map[string]any) { d["best_iteration"] = 3 }},
		{name: "categorical feature", substr: "categorical feature 3 outside [0, 3 features)", edit: func(d map[string]any) {
			d["categorical_features"] = []int{1, 3}
		}},
		{name: "categorical twice", substr: "categorical feature 1 listed twice", edit: func(d map[string]any) {
			d["categorical_features"] = []int{1, 1}
		}},
		{name: "lengths", substr: "tree 1: 9 nodes (len(Left)) but len(Value) = 8", edit: func(d map[string]any) {
			tree(d, 1)["value"] = tree(d, 1)["value"].([]any)[1:]
		}},
		{name: "optional lengths", substr: "tree 0: 7 nodes (len(Left)) but len(Count) = 1", edit: func(d map[string]any) {
			tree(d, 0)["count"] = []int{1}
		}},
		{name: "no nodes", substr: "tree 1: no nodes", edit: func(d map[string]any) { tree(d, 1)["left"] = []int{} }},
		{name: "child range", substr: "tree 1: node 4: child 9 outside [1, 9)", edit: func(d map[string]any) { set(d, 1, "right", 4, 9) }},
		{name: "cycle", substr: "tree 1: node 6: child is the root (cycle)", edit: func(d map[string]any) { set(d, 1, "left", 6, 0) }},
		{name: "shared", substr: "tree 1: node 1: child 5 is reached twice", edit: func(d map[string]any) { set(d, 1, "left", 1, 5) }},
		{name: "orphan", substr: "tree 1: node 7: not reachable from the root", edit: func(d map[string]any) {
			set(d, 1, "left", 6, -1)
			set(d, 1, "right", 6, -1)
		}},
		{name: "same children", substr: "tree 1: node 6: left and right child are both 7", edit: func(d map[string]any) { set(d, 1, "right", 6, 7) }},
		{name: "half leaf", substr: "tree 1: node 2: leaf children must be -1, have left -1 right 3", edit: func(d map[string]any) {
			set(d, 1, "right", 2, 3)
		}},
		{name: "feature", substr: "tree 0: node 4: split feature 3 outside [0, 3 features)", edit: func(d map[string]any) { set(d, 0, "feature", 4, 3) }},
		{name: "nan threshold", substr: "tree 0: node 0: threshold is NaN", edit: func(d map[string]any) { set(d, 0, "threshold", 0, "NaN") }},
		{name: "leaf value", substr: "tree 0: node 6: leaf value +Inf is not finite", edit: func(d map[string]any) { set(d, 0, "value", 6, "+Inf") }},
		{name: "unsorted categories", substr: "tree 1: node 0: categories not strictly increasing (0 after 2)", edit: func(d map[string]any) {
			set(d, 1, "categories", 0, 2)
			set(d, 1, "categories", 1, 0)
		}},
		{name: "duplicate categories", substr: "tree 1: node 0: categories not strictly increasing (0 after 0)", edit: func(d map[string]any) {
			set(d, 1, "categories", 1, 0)
		}},
		{name: "negative category", substr: "tree 1: node 0: negative category -2", edit: func(d map[string]any) { set(d, 1, "categories", 0, -2) }},
		{name: "category range", substr: "tree 1: node 6: categories [2, 2+5) outside Categories (length 3)", edit: func(d map[string]any) {
			set(d, 1, "cat_len", 6, 5)
		}},
		{name: "int overflow", substr: "cannot unmarshal number 4294967296", edit: func(d map[string]any) { set(d, 1, "left", 0, int64(1)<<32) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte(tc.raw)
			if tc.edit != nil {
				d := doc()
				tc.edit(d)
				var err error
				if raw, err = json.Marshal(d); err != nil {
					t.Fatal(err)
				}
			}
			_, err := ReadModelJSON(bytes.NewReader(raw))
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Fatalf("error %v, want one containing %q", err, tc.substr)
			}
			m := &Model{Objective: "unchanged"}
			if err := json.Unmarshal(raw, m); err == nil {
				t.Error("json.Unmarshal accepted it")
			}
			if m.Objective != "unchanged" {
				t.Error("failed read modified the model")
			}
		})
	}
}

func TestValidateInvalidModelWrite(t *testing.T) {
	m := ioHandModel(ObjectiveL2, 0)
	m.Trees[1].Left[4] = 99
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "ml: invalid model: tree 1: node 4: child 99 outside [1, 9)") {
		t.Errorf("Validate: %v", err)
	}
	if err := m.WriteJSON(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "tree 1: node 4") {
		t.Errorf("WriteJSON: %v", err)
	}
	if err := m.WriteXGBoostJSON(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "tree 1: node 4") {
		t.Errorf("WriteXGBoostJSON: %v", err)
	}
	if err := ioHandModel(ObjectiveL2, 0).Validate(); err != nil {
		t.Errorf("valid model: %v", err)
	}
}

// ExampleModel_WriteJSON writes a one-split model and reads it back.
func ExampleModel_WriteJSON() {
	m := &Model{
		FeatureNames: []string{"x"},
		Objective:    ObjectiveL2,
		BaseScore:    0.5,
		Trees: []Tree{{
			Left: []int32{1, -1, -1}, Right: []int32{2, -1, -1}, Feature: []int32{0, -1, -1},
			Threshold: []float64{1.5, 0, 0}, DefaultLeft: []bool{true, false, false},
			Value: []float64{0, -0.25, 0.25},
		}},
	}
	if err := m.WriteJSON(os.Stdout); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	_ = m.WriteJSON(&buf)
	back, err := ReadModelJSON(&buf)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Predict([]float64{1}), back.Predict([]float64{2}), back.Predict([]float64{math.NaN()}))
	// Output:
	// {"format":"opus-gbm","version":1,"feature_names":["x"],"categorical_features":null,"objective":"l2","objective_params":{},"base_score":0.5,"best_iteration":0,"trees":[{"left":[1,-1,-1],"right":[2,-1,-1],"feature":[0,-1,-1],"threshold":[1.5,0,0],"default_left":[true,false,false],"categorical":null,"cat_start":null,"cat_len":null,"categories":null,"value":[0,-0.25,0.25],"gain":null,"hessian":null,"count":null}]}
	// 0.25 0.75 0.25
}
