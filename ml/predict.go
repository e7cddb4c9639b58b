package ml

// Compiled prediction.
//
// Compile numbers the nodes of all trees in one array, each tree in
// preorder so that a node's left child follows it. A leaf loops to itself
// (a test that never sends it left, its right child itself), so a walk
// takes a fixed number of steps, the depth of the deepest tree, with no
// test for having reached a leaf, and advances lanes trees at once: their
// node loads are independent, so the processor overlaps them. Walks that
// branch on data the processor cannot predict are what make tree
// prediction slow.
//
// Two layouts share that numbering. The binned one (binnedLayout), used
// whenever a model allows it, first maps the row's values to per-feature
// bins (a numeric value to its rank among the model's thresholds on that
// feature, a category to itself, a missing value to a bin of its own) and
// then tests every node the same way, a bit in a bitset, whatever its kind
// or the row's missing values: no branch in the walk depends on the data.
// The float layout (floatLayout) compares raw values and serves models the
// binned one cannot (too many thresholds or categories on a feature).

// lanes is how many trees a walk advances together (the assembly walk
// of walk_amd64.s is unrolled for 16).
const lanes = 16

// predictor is a Model's trees compiled for prediction.
type predictor struct {
	roots []int32   // first node of each tree
	leaf  []float64 // by node: the leaf's value (0 at inner nodes)
	depth []int32   // per group of lanes trees: the deepest one's depth
	// Exactly one layout is set.
	binned *binnedLayout
	float  *floatLayout
}

// compiledNode is a node of the preorder numbering: tree t's node i, or
// the lone leaf of an empty tree (i < 0). right is the number of its right
// child (itself at a leaf).
type compiledNode struct {
	t     *Tree
	i     int32
	right int32
}

func (c compiledNode) leaf() bool { return c.i < 0 || c.t.Left[c.i] < 0 }

// Compile lays m's trees out for fast prediction. Train and the model
// readers compile the models they return; call Compile after building or
// changing a Model's trees by hand, never while it predicts. An
// uncompiled Model predicts correctly, walking its Tree arrays, only more
// slowly.
func (m *Model) Compile() {
	m.pred = compile(m, true)
}

// compile numbers m's nodes and builds the binned layout when allowBinned
// and the model fits it, the float layout otherwise; nil when neither
// fits (more features than a node can name).
func compile(m *Model, allowBinned bool) *predictor {
	p := &predictor{}
	var nodes []compiledNode
	groupDepth := int32(0)
	for ti := range m.Trees {
		t := &m.Trees[ti]
		p.roots = append(p.roots, int32(len(nodes)))
		depth := 0
		var walk func(i int32, d int) int32
		walk = func(i int32, d int) int32 {
			at := int32(len(nodes))
			nodes = append(nodes, compiledNode{t: t, i: i, right: at})
			p.leaf = append(p.leaf, 0)
			if i < 0 || t.Left[i] < 0 {
				if i >= 0 {
					p.leaf[at] = t.Value[i]
				}
				depth = max(depth, d)
				return at
			}
			walk(t.Left[i], d+1)
			nodes[at].right = walk(t.Right[i], d+1)
			return at
		}
		root := int32(0)
		if t.NumNodes() == 0 {
			root = -1
		}
		walk(root, 0)
		groupDepth = max(groupDepth, int32(depth))
		if (ti+1)%lanes == 0 || ti == len(m.Trees)-1 {
			p.depth = append(p.depth, groupDepth)
			groupDepth = 0
		}
	}
	if allowBinned {
		p.binned = newBinnedLayout(m, nodes)
	}
	if p.binned == nil {
		p.float = newFloatLayout(m, nodes)
		if p.float == nil {
			return nil
		}
	}
	return p
}

// raw sums the first trees trees' outputs for x, in tree order.
func (p *predictor) raw(x []float64, trees int) float64 {
	if p.binned != nil {
		return p.binned.raw(p, x, trees)
	}
	return p.float.raw(p, x, trees)
}
