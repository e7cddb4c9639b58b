package ml

import "math"

// predNode is a tree node laid out for prediction: the nodes of all trees
// in one array, each tree in preorder so that a node's left child follows
// it, 16 bytes a node (200 trees of 511 nodes fit a 2 MB L2 cache).
// Walking a row then touches one cache line per node instead of one per
// Tree array.
type predNode struct {
	// value is a numeric split's threshold or a leaf's value; a
	// categorical split keeps the start and length of its categories in
	// predictor.cats in its bits (catSpan).
	value   float64
	right   int32 // index of the right child; the left one is next
	feature int16 // -1 at a leaf
	flags   uint8
}

// catSpan packs a categorical node's category range into a float64's bits.
func catSpan(start, n int32) float64 {
	return math.Float64frombits(uint64(uint32(start))<<32 | uint64(uint32(n)))
}

// catRange unpacks catSpan.
func catRange(v float64) (start, n int32) {
	b := math.Float64bits(v)
	return int32(uint32(b >> 32)), int32(uint32(b))
}

const (
	nodeDefaultLeft = 1 << iota
	nodeCategorical
)

// predictor is a Model's trees compiled for prediction.
type predictor struct {
	nodes []predNode
	roots []int32
	cats  []int32
}

// maxCompiledFeatures is the most features the compact layout indexes.
const maxCompiledFeatures = math.MaxInt16

// Compile lays m's trees out for fast prediction (one array of 32-byte
// nodes in preorder). Train and the model readers compile the models they
// return; call Compile after building or changing a Model's trees by hand,
// never while it predicts. An uncompiled Model predicts correctly, walking
// its Tree arrays, only more slowly.
func (m *Model) Compile() {
	m.pred = nil
	if m.NumFeatures() <= maxCompiledFeatures {
		m.pred = compile(m)
	}
}

func compile(m *Model) *predictor {
	p := &predictor{}
	for ti := range m.Trees {
		t := &m.Trees[ti]
		p.roots = append(p.roots, int32(len(p.nodes)))
		if t.NumNodes() == 0 {
			p.nodes = append(p.nodes, predNode{feature: -1})
			continue
		}
		var walk func(i int32) int32
		walk = func(i int32) int32 {
			at := int32(len(p.nodes))
			p.nodes = append(p.nodes, predNode{feature: -1})
			if t.Left[i] < 0 {
				p.nodes[at].value = t.Value[i]
				return at
			}
			n := predNode{feature: int16(t.Feature[i]), value: t.Threshold[i]}
			if t.DefaultLeft[i] {
				n.flags |= nodeDefaultLeft
			}
			if t.Categorical != nil && t.Categorical[i] {
				n.flags |= nodeCategorical
				n.value = catSpan(int32(len(p.cats)), t.CatLen[i])
				p.cats = append(p.cats, t.Categories[t.CatStart[i]:t.CatStart[i]+t.CatLen[i]]...)
			}
			walk(t.Left[i])
			n.right = walk(t.Right[i])
			p.nodes[at] = n
			return at
		}
		walk(0)
	}
	return p
}

// lanes is how many trees raw walks at once: their node loads are
// independent, so the processor overlaps their cache misses instead of
// waiting for each in turn.
const lanes = 8

// raw sums the first trees trees' outputs for x, in tree order.
func (p *predictor) raw(x []float64, trees int) float64 {
	s := 0.0
	nodes := p.nodes
	roots := p.roots[:trees]
	for len(roots) > 0 {
		var idx [lanes]int32
		k := copy(idx[:], roots)
		roots = roots[k:]
		for active := true; active; {
			active = false
			for l := range k {
				n := &nodes[idx[l]]
				if n.feature < 0 {
					continue
				}
				active = true
				v := x[n.feature]
				var left bool
				if n.flags == 0 { // numeric, missing goes right: NaN < t is false
					left = v < n.value
				} else {
					left = p.decide(n, v)
				}
				next := n.right
				if left {
					next = idx[l] + 1
				}
				idx[l] = next
			}
		}
		for l := range k {
			s += nodes[idx[l]].value
		}
	}
	return s
}

// decide sends v left or right at a node with flags: missing values to
// the default side, categories by their set.
func (p *predictor) decide(n *predNode, v float64) bool {
	switch {
	case v != v: // NaN
		return n.flags&nodeDefaultLeft != 0
	case n.flags&nodeCategorical != 0:
		return p.inCategories(n, v)
	}
	return v < n.value
}

// inCategories reports whether category v goes left at n: it is in n's
// sorted set; a value that is not a category takes the default side.
func (p *predictor) inCategories(n *predNode, v float64) bool {
	c := int32(v)
	if v < 0 || float64(c) != v || v > math.MaxInt32 {
		return n.flags&nodeDefaultLeft != 0
	}
	start, k := catRange(n.value)
	cats := p.cats[start : start+k]
	lo, hi := 0, len(cats)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cats[m] < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(cats) && cats[lo] == c
}
