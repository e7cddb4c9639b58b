package ml

import "math"

// predNode is a tree node laid out for prediction: the nodes of all trees
// in one array, each tree in preorder so that a node's left child follows
// it, 16 bytes a node (200 trees of 511 nodes fit a 2 MB L2 cache).
//
// A leaf loops to itself: its threshold is -Inf (no value is below it)
// and its right child is itself, so a walk can take a fixed number of
// steps, the depth of the deepest tree, with no test for having reached a
// leaf; leaf values live in predictor.leaf. Walks that branch only on data
// the processor cannot predict are what made prediction slow.
type predNode struct {
	// value is a numeric split's threshold (-Inf at a leaf); a categorical
	// split keeps the start and length of its bitset in predictor.bits in
	// its bits (packSpan).
	value   float64
	right   int32 // index of the right child (the node itself at a leaf); the left one is next
	feature int16 // 0 at a leaf
	flags   uint8
}

const (
	nodeDefaultLeft = 1 << iota
	nodeCategorical
)

// lanes is how many trees a walk advances together: their node loads are
// independent, so the processor overlaps their cache misses.
const lanes = 8

// predictor is a Model's trees compiled for prediction.
type predictor struct {
	nodes []predNode
	leaf  []float64 // by node: the leaf's value
	roots []int32
	depth []int8   // per group of lanes trees: the deepest one's depth
	bits  []uint64 // categorical splits' left categories, as bitsets
}

// maxCompiledFeatures is the most features the compact layout indexes.
const maxCompiledFeatures = math.MaxInt16

// Compile lays m's trees out for fast prediction (see predNode). Train and
// the model readers compile the models they return; call Compile after
// building or changing a Model's trees by hand, never while it predicts.
// An uncompiled Model predicts correctly, walking its Tree arrays, only
// more slowly.
func (m *Model) Compile() {
	m.pred = nil
	if m.NumFeatures() <= maxCompiledFeatures {
		m.pred = compile(m)
	}
}

// packSpan packs a bitset's start and length into a float64's bits.
func packSpan(start, n int32) float64 {
	return math.Float64frombits(uint64(uint32(start))<<32 | uint64(uint32(n)))
}

// unpackSpan undoes packSpan.
func unpackSpan(v float64) (start, n int32) {
	b := math.Float64bits(v)
	return int32(uint32(b >> 32)), int32(uint32(b))
}

func compile(m *Model) *predictor {
	p := &predictor{}
	groupDepth := int8(0)
	for ti := range m.Trees {
		t := &m.Trees[ti]
		p.roots = append(p.roots, int32(len(p.nodes)))
		depth := 0
		var walk func(i int32, d int) int32
		walk = func(i int32, d int) int32 {
			at := int32(len(p.nodes))
			p.nodes = append(p.nodes, predNode{value: math.Inf(-1), right: at})
			p.leaf = append(p.leaf, 0)
			if t.NumNodes() == 0 {
				return at
			}
			if t.Left[i] < 0 {
				p.leaf[at] = t.Value[i]
				depth = max(depth, d)
				return at
			}
			n := predNode{feature: int16(t.Feature[i]), value: t.Threshold[i]}
			if t.DefaultLeft[i] {
				n.flags |= nodeDefaultLeft
			}
			if t.Categorical != nil && t.Categorical[i] {
				n.flags |= nodeCategorical
				cats := t.Categories[t.CatStart[i] : t.CatStart[i]+t.CatLen[i]]
				words := int32(0)
				if len(cats) > 0 {
					words = cats[len(cats)-1]/64 + 1
				}
				start := int32(len(p.bits))
				p.bits = append(p.bits, make([]uint64, words)...)
				for _, c := range cats {
					p.bits[start+c/64] |= 1 << (c % 64)
				}
				n.value = packSpan(start, words)
			}
			walk(t.Left[i], d+1)
			n.right = walk(t.Right[i], d+1)
			p.nodes[at] = n
			return at
		}
		walk(0, 0)
		groupDepth = max(groupDepth, int8(depth))
		if (ti+1)%lanes == 0 || ti == len(m.Trees)-1 {
			p.depth = append(p.depth, groupDepth)
			groupDepth = 0
		}
	}
	return p
}

// raw sums the first trees trees' outputs for x, in tree order.
func (p *predictor) raw(x []float64, trees int) float64 {
	hasNaN := false
	for _, v := range x {
		hasNaN = hasNaN || v != v
	}
	s := 0.0
	nodes, bits := p.nodes, p.bits
	for g := 0; g*lanes < trees; g++ {
		var idx [lanes]int32
		k := copy(idx[:], p.roots[g*lanes:trees])
		for range p.depth[g] {
			for l := range k {
				i := idx[l]
				n := &nodes[i]
				v := x[n.feature]
				var left bool
				switch {
				case n.flags&nodeCategorical != 0:
					// Inlined by hand: a call here costs more than the test. A
					// value that is not a category (NaN, negative, fractional)
					// takes the default side; categories beyond the bitset go
					// right.
					c := int64(v)
					b := math.Float64bits(n.value)
					start, words := int64(uint32(b>>32)), int64(uint32(b))
					if v >= 0 && float64(c) == v { // false for NaN
						left = c < words*64 && bits[start+c/64]>>(c%64)&1 != 0
					} else {
						left = n.flags&nodeDefaultLeft != 0
					}
				case hasNaN && v != v:
					left = n.flags&nodeDefaultLeft != 0
				default:
					left = v < n.value
				}
				next := n.right
				if left {
					next = i + 1
				}
				idx[l] = next
			}
		}
		for l := range k {
			s += p.leaf[idx[l]]
		}
	}
	return s
}
