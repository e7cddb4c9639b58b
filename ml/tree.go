package ml

import "math"

// Tree is one regression tree in flat arrays, node 0 the root, in the
// layout XGBoost's JSON model uses so that export and import are direct.
// Node i is a leaf when Left[i] < 0.
//
// A numeric split sends a row left when its feature value is less than
// Threshold[i] (XGBoost's rule; LightGBM's x <= t imports as
// x < nextafter(t, +Inf)). A categorical split sends a row left when its
// value, truncated to an integer category, is in the node's category set
// (Categories[CatStart[i]:CatStart[i]+CatLen[i]], sorted), and right
// otherwise. A missing value (NaN) goes left when DefaultLeft[i], as does,
// for a categorical split, a negative or non-integral category. Trained
// thresholds are float32 values lying strictly between two float32 data
// values, so that a model exported to XGBoost (which compares in float32)
// splits every row the same way.
type Tree struct {
	Left, Right []int32   // children, -1 at leaves
	Feature     []int32   // split feature, -1 at leaves
	Threshold   []float64 // numeric split point; 0 at leaves and categorical splits
	DefaultLeft []bool    // where a missing value goes
	// Categorical marks categorical splits; CatStart and CatLen locate
	// their left categories in Categories.
	Categorical []bool
	CatStart    []int32
	CatLen      []int32
	Categories  []int32
	// Value is the node's output: at a leaf, what the tree adds to the
	// prediction (learning rate applied); at an inner node, the output the
	// node would have as a leaf (used by TreeSHAP and XGBoost's
	// base_weights).
	Value []float64
	// Gain is the split's loss reduction (0 at leaves), Hessian the sum of
	// the training rows' hessians (XGBoost's cover) and Count the number
	// of training rows that reached the node.
	Gain    []float64
	Hessian []float64
	Count   []int64
}

// NumNodes returns the number of nodes.
func (t *Tree) NumNodes() int { return len(t.Left) }

// IsLeaf reports whether node i is a leaf.
func (t *Tree) IsLeaf(i int) bool { return t.Left[i] < 0 }

// NumLeaves returns the number of leaves.
func (t *Tree) NumLeaves() int {
	n := 0
	for _, l := range t.Left {
		if l < 0 {
			n++
		}
	}
	return n
}

// Depth returns the number of splits on the longest root-to-leaf path.
func (t *Tree) Depth() int {
	if t.NumNodes() == 0 {
		return 0
	}
	var walk func(i int32) int
	walk = func(i int32) int {
		if t.Left[i] < 0 {
			return 0
		}
		return 1 + max(walk(t.Left[i]), walk(t.Right[i]))
	}
	return walk(0)
}

// goesLeft reports whether value v goes left at inner node i.
func (t *Tree) goesLeft(i int, v float64) bool {
	if math.IsNaN(v) {
		return t.DefaultLeft[i]
	}
	if t.Categorical != nil && t.Categorical[i] {
		c := int32(v)
		if v < 0 || float64(c) != v {
			return t.DefaultLeft[i]
		}
		cats := t.Categories[t.CatStart[i] : t.CatStart[i]+t.CatLen[i]]
		lo, hi := 0, len(cats)
		for lo < hi { // binary search: category sets can hold hundreds of zones
			m := int(uint(lo+hi) >> 1)
			if cats[m] < c {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return lo < len(cats) && cats[lo] == c
	}
	return v < t.Threshold[i]
}

// Leaf returns the leaf that row x (indexed by feature) falls into, -1
// for a tree without nodes.
func (t *Tree) Leaf(x []float64) int {
	if t.NumNodes() == 0 {
		return -1
	}
	i := 0
	for t.Left[i] >= 0 {
		if t.goesLeft(i, x[t.Feature[i]]) {
			i = int(t.Left[i])
		} else {
			i = int(t.Right[i])
		}
	}
	return i
}

// Predict returns the tree's output for row x (0 for a tree without
// nodes).
func (t *Tree) Predict(x []float64) float64 {
	if t.NumNodes() == 0 {
		return 0
	}
	return t.Value[t.Leaf(x)]
}

// addNode appends a node and returns its index. Children are set later.
func (t *Tree) addNode(value, hessian float64, count int64) int32 {
	t.Left = append(t.Left, -1)
	t.Right = append(t.Right, -1)
	t.Feature = append(t.Feature, -1)
	t.Threshold = append(t.Threshold, 0)
	t.DefaultLeft = append(t.DefaultLeft, false)
	t.Categorical = append(t.Categorical, false)
	t.CatStart = append(t.CatStart, 0)
	t.CatLen = append(t.CatLen, 0)
	t.Value = append(t.Value, value)
	t.Gain = append(t.Gain, 0)
	t.Hessian = append(t.Hessian, hessian)
	t.Count = append(t.Count, count)
	return int32(len(t.Left) - 1)
}
